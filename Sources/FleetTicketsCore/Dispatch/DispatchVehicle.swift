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
public struct DispatchPlan: Sendable, Hashable {
    /// One ticket given to one vehicle.
    public struct Assignment: Sendable, Hashable {
        /// The vehicle's id.
        public var vehicleID: String
        /// The ticket.
        public var ticket: DispatchCandidate
        /// Spheroid distance from the vehicle to the ticket, metres.
        public var distanceMetres: Double
    }

    /// Why a ticket got no vehicle.
    public enum Reason: String, Sendable, Hashable {
        /// No vehicle is within the planner's maximum distance.
        case outOfRange = "out_of_range"
        /// Vehicles in range exist, but their capacity went to more urgent tickets.
        case noCapacity = "no_capacity"
    }

    /// Assignments in urgency order (each ticket at most once).
    public var assignments: [Assignment]
    /// A ticket no vehicle serves, and why.
    public struct Unassigned: Sendable, Hashable {
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
