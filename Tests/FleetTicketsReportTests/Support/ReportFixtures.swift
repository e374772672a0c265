import FleetTicketsCore
import FleetTicketsReport
import Foundation

/// Report inputs built by hand: a full two-dataset fortnight, and an empty one.
///
/// Values come from a fixed formula (no randomness), so a failing assertion is reproducible.
enum ReportFixtures {
    /// 2026-11-16 … 2026-11-29 (14 EAT days).
    static let periods: [String] = (16...29).map { "2026-11-\($0)" }
    /// 2026-11-29 14:05 EAT.
    static let generatedAt = Date(timeIntervalSince1970: 1_795_950_300)
    /// Cluster centroids around Nairobi (from data/gazetteer-kenya.csv); one has a hostile name.
    static let clusters: [(name: String, lat: Double, lng: Double)] = [
        ("Kasarani", -1.2219, 36.8973), ("Roysambu", -1.2186, 36.8847), ("Embakasi", -1.319, 36.898),
        ("Westlands", -1.2676, 36.8108), ("Kilimani", -1.2906, 36.7856), ("<b>Ruaka</b> & Co", -1.205, 36.779),
    ]
    static let hostileTeam = "<script>alert('team')</script>"

    /// The open tickets on the map: 60, every SLA state, several sharing one position.
    static var marks: [MapMark] {
        (0..<60).map { i in
            let cluster = clusters[i % clusters.count]
            let states: [SLAState] = [.within, .within, .atRisk, .breached, .within, .unknown]
            let state = states[i % states.count]
            // Every third ticket sits exactly on its cluster centroid (placed by the cluster).
            let dLat = i % 3 == 0 ? 0 : Double((i * 37) % 41 - 20) / 2000
            let dLng = i % 3 == 0 ? 0 : Double((i * 53) % 43 - 21) / 2000
            let hours: Double? = state == .unknown ? nil : Double(5 + (i * 7) % 80)
            return MapMark(ticketID: i == 7 ? "INC\"<img src=x onerror=alert(1)>" : (i % 4 == 0 ? "CRQ" : "INC") + "00\(1000 + i)",
                           dataset: i % 4 == 0 ? "crq" : "inc", latitude: cluster.lat + dLat, longitude: cluster.lng + dLng,
                           slaState: state, hoursOpen: hours, cluster: cluster.name, team: i == 9 ? hostileTeam : "FieldOps North")
        }
    }

    static func trend(_ dataset: String, slaHours: Double, scale: Int) -> TrendReport {
        let points = periods.enumerated().map { i, day in
            let opened = 10 * scale + (i * 7) % 9
            let closed = 9 * scale + (i * 5) % 11
            return TrendPoint(period: day, opened: opened, closed: closed, closureRate: Double(closed) / Double(opened),
                              backlogAtEnd: 40 * scale + (i * 3) % 13, mttrMedianHours: Double(18 + (i * 5) % 17) * Double(scale),
                              mttrP90Hours: Double(40 + (i * 7) % 23) * Double(scale), withinSLAShare: 0.6 + Double((i * 3) % 7) / 20,
                              backlogAge: BacklogAgeBuckets(under24h: 10, from24hTo48h: 8, from48hTo7d: 5, over7d: 2))
        }
        return TrendReport(query: TrendQuery(dataset: dataset, from: periods.first!, to: periods.last!), slaHours: slaHours, points: points)
    }

    static func teams(_ dataset: String, slaHours: Double) -> TeamClosureReport {
        TeamClosureReport(query: TeamClosureQuery(dataset: dataset, from: periods.first!, to: periods.last!), slaHours: slaHours, rows: [
            TeamClosureRow(team: "FieldOps North", closed: 1234, medianHoursToClose: 20.25, withinSLAShare: 0.875, reopened: 3),
            TeamClosureRow(team: "FieldOps South", closed: 96, medianHoursToClose: 131.4, withinSLAShare: 0.5, reopened: 0),
            TeamClosureRow(team: hostileTeam, closed: 4, medianHoursToClose: nil, withinSLAShare: nil, reopened: 1),
        ])
    }

    static func headline(_ dataset: String, slaHours: Double) -> HeadlineFigures {
        HeadlineFigures(dataset: dataset, slaHours: slaHours, openNow: 1482, breachedNow: 211, atRiskNow: 97, unknownNow: 4,
                        unplacedNow: 3, openedInRange: 2310, closedInRange: 2145, closureRate: 2145.0 / 2310.0,
                        mttrMedianHours: 21.34, mttrP90Hours: 63.5, withinSLAShare: 0.8123,
                        lastExportedAt: generatedAt.addingTimeInterval(-35 * 60), lastAppliedAt: generatedAt.addingTimeInterval(-30 * 60))
    }

    /// Both datasets over the fortnight.
    static var full: ReportInput {
        let marks = self.marks
        let labels = clusters.map { c in
            ClusterLabel(name: c.name, latitude: c.lat, longitude: c.lng, openCount: marks.filter { $0.cluster == c.name }.count)
        }
        return ReportInput(
            range: ReportRange(from: periods.first!, to: periods.last!, grain: .day), generatedAt: generatedAt,
            headlines: [headline("inc", slaHours: 48), headline("crq", slaHours: 120)],
            trends: [trend("inc", slaHours: 48, scale: 1), trend("crq", slaHours: 120, scale: 2)],
            teams: [teams("inc", slaHours: 48), teams("crq", slaHours: 120)],
            map: ReportMap(marks: marks, clusters: labels))
    }

    /// A fresh installation: nothing ingested, nothing open, nothing closed.
    static var empty: ReportInput {
        let none = HeadlineFigures(dataset: "inc", slaHours: 48, openNow: 0, breachedNow: 0, atRiskNow: 0, unknownNow: 0, unplacedNow: 0,
                                   openedInRange: 0, closedInRange: 0, closureRate: nil, mttrMedianHours: nil, mttrP90Hours: nil,
                                   withinSLAShare: nil, lastExportedAt: nil, lastAppliedAt: nil)
        return ReportInput(
            range: ReportRange(from: periods.first!, to: periods.last!, grain: .day), generatedAt: generatedAt,
            headlines: [none], trends: [TrendReport(query: TrendQuery(dataset: "inc", from: periods.first!, to: periods.last!), slaHours: 48, points: [])],
            teams: [TeamClosureReport(query: TeamClosureQuery(dataset: "inc", from: periods.first!, to: periods.last!), slaHours: 48, rows: [])],
            map: ReportMap(marks: [], clusters: []))
    }
}
