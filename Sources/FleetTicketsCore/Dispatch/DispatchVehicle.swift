import Foundation

/// A vehicle that can be sent to tickets: where it is and how many tickets it can take.
public struct DispatchVehicle: Sendable, Hashable, Codable {
    /// The vehicle's identifier (unique within one planning call).
    public var id: String
    /// Its GPS fix.
    public var position: Coordinate
    /// At most this many tickets; nil for no limit.
    public var capacity: Int?

    /// A vehicle at `position` taking at most `capacity` tickets (nil: no limit).
    public init(id: String, position: Coordinate, capacity: Int? = nil) {
        self.id = id
        self.position = position
        self.capacity = capacity
    }
}

/// Which vehicle serves which ticket, most urgent first, and what is left over.
///
/// Encodes (``DispatchJSON/encode(_:)``) with the read schema's snake_case keys:
/// `{"assignments": [{"vehicle_id", "ticket", "distance_m"}], "unassigned": [{"ticket", "reason"}]}`,
/// each `ticket` a ``DispatchCandidate`` as `reporting.fn_dispatch_nearest` writes it.
public struct DispatchPlan: Sendable, Hashable, Encodable {
    /// One ticket given to one vehicle.
    public struct Assignment: Sendable, Hashable, Encodable {
        /// The vehicle's id.
        public var vehicleID: String
        /// The ticket.
        public var ticket: DispatchCandidate
        /// Spheroid distance from the vehicle to the ticket, metres.
        public var distanceMetres: Double

        enum CodingKeys: String, CodingKey {
            case ticket
            case vehicleID = "vehicle_id"
            case distanceMetres = "distance_m"
        }
    }

    /// Why a ticket got no vehicle.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// No vehicle is within the planner's maximum distance.
        case outOfRange = "out_of_range"
        /// Vehicles in range exist, but their capacity went to more urgent tickets.
        case noCapacity = "no_capacity"
    }

    /// Assignments in urgency order (each ticket at most once).
    public var assignments: [Assignment]
    /// A ticket no vehicle serves, and why.
    public struct Unassigned: Sendable, Hashable, Encodable {
        /// The ticket.
        public var ticket: DispatchCandidate
        /// Why it got no vehicle.
        public var reason: Reason
    }

    /// Tickets no vehicle serves, in urgency order.
    public var unassigned: [Unassigned]

    /// The assignments of one vehicle, in urgency order.
    public func assignments(of vehicleID: String) -> [Assignment] {
        assignments.filter { $0.vehicleID == vehicleID }
    }
}

/// A plan that cannot be made: what is wrong with the input.
public struct DispatchPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// One sentence: what is wrong with the plan's input.
    public var description: String { "Cannot plan dispatch: \(message)." }
}
