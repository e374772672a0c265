import FleetTicketsCore
import FleetTicketsGeocode
import FleetTicketsPostgres
import FleetTicketsS3

/// What the CLI tells an operator about a library error: the exit status it maps to and the
/// advice to print after its description. The libraries' errors say what failed and where;
/// what to do about it, in terms of this tool's settings and commands, is decided here, by the
/// error's code. docs/errors.md lists every code with its status.
enum ErrorAdvice {
    /// The exit status for a library error the command did not put into words itself.
    static func status(for error: any Error) -> ExitStatus {
        switch error {
        case let error as PostgresError:
            error.code == .configuration || error.code == .migrationRefused ? .usage : .dependency
        case let error as GeocoderError:
            error.code == .unauthorized ? .usage : .dependency
        case let error as IngestError:
            error.code == .datasetBusy ? .success : error.code.isDataError ? .data : .dependency
        case is CSVDecodingError, is RejectedData:
            .data
        case is S3ConfigurationError, is GeocoderConfigurationError, is GeocodeSettingsError,
             is DispatchQueryError, is DispatchPlanError, is SettingsError, is DatasetNameError:
            .usage
        default:
            .dependency
        }
    }

    /// Whether the error is one of the libraries' own (and so `status(for:)` and
    /// `explained(_:)` know what to say about it).
    static func knows(_ error: any Error) -> Bool {
        switch error {
        case is PostgresError, is S3Error, is GeocoderError, is IngestError, is CSVDecodingError, is RejectedData,
             is ChangeSourceError, is S3ConfigurationError, is GeocoderConfigurationError, is GeocodeSettingsError,
             is DispatchQueryError, is DispatchPlanError, is SettingsError, is DatasetNameError, is StatusReadError:
            true
        default:
            false
        }
    }

    /// What an operator can do about the error, as one sentence; nil when its description
    /// already says it or there is nothing to do but read it.
    static func advice(for error: any Error) -> String? {
        switch error {
        case let error as PostgresError: databaseAdvice(error)
        case let error as S3Error: error.hint ?? bucketAdvice(error.code)
        case let error as GeocoderError: geocoderAdvice(error)
        case is CSVDecodingError: "Fix or remove the file, then rerun."
        case is RejectedData: "Fix the file upstream, or move it out of changes/ so the drain can go on, then rerun."
        default: nil
        }
    }

    /// The error's description as a sentence, followed by its advice.
    static func explained(_ error: any Error) -> String {
        advice(for: error).map { Sentences.join("\(error)", $0) } ?? "\(error)"
    }

    private static func databaseAdvice(_ error: PostgresError) -> String {
        switch error.code {
        case .connect: return "Check DATABASE_URL and that the server is running."
        case .closed: return "Open a new connection."
        case .usage: return "Fix the calling code."
        case .configuration: return "Fix the dataset configuration."
        case .unexpectedAnswer:
            return "The database's read-schema and this build disagree; run `fleettickets migrate` with this build and try again."
        case .migrationRefused: return "Applied migrations are never edited: restore the file and put the change in a new migration."
        default: break
        }
        if error.isConnectionFailure { return "Check that the server is running and reachable, then retry." }
        if error.isSerializationFailure || error.isDeadlock { return "Retry the transaction." }
        switch error.sqlState?.prefix(2) {
        case "23": return "The data breaks a constraint of the schema; see the detail in the log."
        case "42": return "The SQL does not match the schema; check that the migrations have run (fleettickets migrate)."
        case "53": return "The server is short of disk, memory or connections."
        case "57": return "The statement was cancelled or the server is shutting down; retry later."
        default: return "See the detail in the log and the server's log."
        }
    }

    private static func bucketAdvice(_ code: S3Error.Code) -> String? {
        switch code {
        case .unreachable, .timeout: "Check RUSTFS_ENDPOINT and that the server is reachable, then retry."
        case .throttled, .serverError: "The server is struggling; retry later."
        case .malformedResponse: "Check that RUSTFS_ENDPOINT points at an S3-compatible server."
        case .noSuchBucket: "Check TICKETS_BUCKET."
        case .accessDenied: "Check RUSTFS_ACCESS_KEY and RUSTFS_SECRET_KEY."
        default: nil
        }
    }

    private static func geocoderAdvice(_ error: GeocoderError) -> String? {
        switch error.code {
        case .unauthorized: "Check \(error.variable ?? "the geocoder's credentials")."
        case .quotaExhausted: "Wait for the provider's quota to renew; the places not asked are asked next run."
        case .unavailable: "Rerun later; the places not answered are asked again."
        default: nil
        }
    }
}

extension String.StringInterpolation {
    /// `"\(explained: error)"`: the error's description and the CLI's advice for it.
    mutating func appendInterpolation(explained error: any Error) {
        appendLiteral(ErrorAdvice.explained(error))
    }
}
