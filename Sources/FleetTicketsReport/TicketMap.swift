import FleetTicketsCore
import Foundation

/// How each SLA state is drawn: colour (Okabe–Ito, safe for colour-blind readers) and a shape
/// of its own, so the states differ in greyscale too; the legend names them in words.
struct SLAStyle: Sendable {
    var label: String
    var colour: String
    var marker: MarkerShape
    var hollow: Bool

    static func of(_ state: SLAState) -> SLAStyle {
        switch state {
        case .breached: SLAStyle(label: "Breached", colour: "#C4420A", marker: .square, hollow: false)
        case .atRisk: SLAStyle(label: "At risk", colour: "#E69F00", marker: .triangle, hollow: false)
        case .within: SLAStyle(label: "Within SLA", colour: "#0072B2", marker: .circle, hollow: false)
        case .unknown: SLAStyle(label: "Clock unknown", colour: "#6B6B6B", marker: .circle, hollow: true)
        }
    }

    /// Drawing order: the most urgent last, so it sits on top.
    static let drawingOrder: [SLAState] = [.unknown, .within, .atRisk, .breached]
}

/// The map of open tickets as SVG: an equirectangular frame fitted to the marks, the borders,
/// coast and large lakes under them (`Basemap`), a light graticule with degree labels, a scale
/// bar, one mark per ticket and the cluster labels.
struct TicketMap: Sendable {
    var map: ReportMap
    /// Open tickets without a position (said under the map, not drawn).
    var unplaced: Int

    func html() -> String {
        var out = "<figure class=\"map\">"
        guard !map.marks.isEmpty else {
            out += "<p class=\"empty\">No open tickets with a position right now.</p>"
            return out + unplacedNote() + "</figure>"
        }
        out += svg(map.marks, map.clusters, markClass: "map-mark", label: "Map of \(map.marks.count) open tickets by SLA state")
        out += legend() + unplacedNote() + "</figure>"
        out += ClusterTable(marks: map.marks).html()
        // A wide map (tickets across the country) squeezes a dense city into a few pixels: show
        // the densest area again, enlarged. Its marks repeat the main map's, under another class.
        if let inset = MapInset.densest(in: map) {
            out += "<figure class=\"map inset\"><figcaption><h3>Detail: \(HTMLText.escape(inset.title))</h3>"
            out += "<p>\(ReportFormat.count(inset.marks.count)) of the \(ReportFormat.count(map.marks.count)) placed open tickets, enlarged.</p></figcaption>"
            out += svg(inset.marks, inset.clusters, markClass: "inset-mark", label: "Detail map: \(inset.title)")
            out += "</figure>"
        }
        return out
    }

    /// One map frame fitted to `marks` and `clusters`.
    private func svg(_ marks: [MapMark], _ clusters: [ClusterLabel], markClass: String, label: String) -> String {
        let projection = MapProjection(points: marks.map { ($0.latitude, $0.longitude) } + clusters.map { ($0.latitude, $0.longitude) })
        var out = "<svg class=\"map-svg\" viewBox=\"0 0 \(svgNumber(projection.width)) \(svgNumber(projection.height))\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\">"
        out += "<rect class=\"map-bg\" x=\"0\" y=\"0\" width=\"\(svgNumber(projection.width))\" height=\"\(svgNumber(projection.height))\"/>"
        out += Basemap.svg(projection)
        out += graticule(projection)
        out += self.marks(marks, projection, markClass: markClass)
        out += ClusterLabelLayout(projection: projection).svg(clusters)
        out += scaleBar(projection)
        return out + "</svg>"
    }

    private func graticule(_ p: MapProjection) -> String {
        var out = "<g class=\"graticule\">"
        for lng in MapProjection.gridValues(low: p.minLng, high: p.maxLng) {
            let x = p.project(lat: p.minLat, lng: lng).x
            out += "<line x1=\"\(svgNumber(x))\" y1=\"0\" x2=\"\(svgNumber(x))\" y2=\"\(svgNumber(p.height))\"/>"
            // No label under the scale bar (bottom right).
            if x < p.width - 160 {
                out += "<text x=\"\(svgNumber(x + 3))\" y=\"\(svgNumber(p.height - 6))\">\(degrees(lng, positive: "E", negative: "W"))</text>"
            }
        }
        for lat in MapProjection.gridValues(low: p.minLat, high: p.maxLat) {
            let y = p.project(lat: lat, lng: p.minLng).y
            out += "<line x1=\"0\" y1=\"\(svgNumber(y))\" x2=\"\(svgNumber(p.width))\" y2=\"\(svgNumber(y))\"/>"
            out += "<text x=\"4\" y=\"\(svgNumber(y - 3))\">\(degrees(lat, positive: "N", negative: "S"))</text>"
        }
        return out + "</g>"
    }

    private func degrees(_ value: Double, positive: String, negative: String) -> String {
        ReportFormat.decimal(abs(value), places: 3) + "°" + (value < 0 ? negative : positive)
    }

    /// Tickets at one position (a cluster centroid places many) are fanned out on a sunflower
    /// spiral around it, so each stays visible. The spiral's radius is capped at 24 px: a
    /// crowd of hundreds then overlaps into a dense disc instead of spreading over the map and
    /// suggesting a wider area than it covers; the cluster label and table give its counts.
    private func marks(_ marks: [MapMark], _ p: MapProjection, markClass: String) -> String {
        let size = marks.count > 2000 ? 6.0 : marks.count > 500 ? 7.5 : 9.0
        let projected = marks.map { p.project(lat: $0.latitude, lng: $0.longitude) }
        let keys = projected.map { "\(Int(($0.x * 2).rounded())):\(Int(($0.y * 2).rounded()))" }
        var crowd: [String: Int] = [:]
        for key in keys { crowd[key, default: 0] += 1 }
        // The place in its crowd follows the ticket id, whatever the drawing order.
        var seen: [String: Int] = [:]
        var position = projected
        for i in marks.indices.sorted(by: { (marks[$0].dataset, marks[$0].ticketID) < (marks[$1].dataset, marks[$1].ticketID) }) {
            let k = seen[keys[i], default: 0], n = Double(crowd[keys[i]]!)
            seen[keys[i]] = k + 1
            let spacing = min(size * 0.47, 24 / n.squareRoot())
            let angle = Double(k) * 2.399_963, radius = spacing * Double(k).squareRoot()
            position[i] = (projected[i].x + radius * cos(angle), projected[i].y + radius * sin(angle))
        }
        let rank = Dictionary(uniqueKeysWithValues: SLAStyle.drawingOrder.enumerated().map { ($1, $0) })
        let placed = marks.indices.sorted { (rank[marks[$0].slaState]!, $0) < (rank[marks[$1].slaState]!, $1) }
            .map { (marks[$0], position[$0].x, position[$0].y) }
        var out = "<g class=\"marks\">"
        for (mark, x, y) in placed {
            let style = SLAStyle.of(mark.slaState)
            var title = "\(mark.dataset.uppercased()) \(mark.ticketID): \(style.label.lowercased())"
            if let hours = mark.hoursOpen { title += ", open \(ReportFormat.hours(hours))" }
            if let cluster = mark.cluster { title += ", \(cluster)" }
            if let team = mark.team { title += ", \(team)" }
            let attributes = "class=\"\(markClass) sla-\(mark.slaState.rawValue)\" data-ticket=\"\(HTMLText.escape(mark.ticketID))\" data-dataset=\"\(HTMLText.escape(mark.dataset))\""
            out += style.marker.svg(x: x, y: y, size: size, colour: style.colour, hollow: style.hollow, attributes: attributes, title: title)
        }
        return out + "</g>"
    }

    private func scaleBar(_ p: MapProjection) -> String {
        let kilometres = AxisScale.niceTop(120 / p.pixelsPerKilometre) / 2
        let length = kilometres * p.pixelsPerKilometre
        let x = p.width - 24 - length, y = p.height - 22
        let label = ReportFormat.decimal(kilometres, places: kilometres < 1 ? 1 : 0) + " km"
        return "<g class=\"scale\"><rect x=\"\(svgNumber(x - 8))\" y=\"\(svgNumber(y - 18))\" width=\"\(svgNumber(length + 16))\" height=\"30\" rx=\"3\"/>"
            + "<path d=\"M\(svgNumber(x)) \(svgNumber(y - 4))V\(svgNumber(y))H\(svgNumber(x + length))V\(svgNumber(y - 4))\"/>"
            + "<text x=\"\(svgNumber(x + length / 2))\" y=\"\(svgNumber(y - 7))\" text-anchor=\"middle\">\(label)</text></g>"
    }

    private func legend() -> String {
        var out = "<ul class=\"legend map-legend\">"
        for state in SLAStyle.drawingOrder.reversed() {
            let style = SLAStyle.of(state)
            let count = map.marks.filter { $0.slaState == state }.count
            out += "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\">"
                + style.marker.svg(x: 7, y: 7, size: 9, colour: style.colour, hollow: style.hollow, attributes: "", title: style.label)
                + "</svg>\(style.label) <span class=\"num\">\(ReportFormat.count(count))</span></li>"
        }
        return out + "</ul>"
    }

    private func unplacedNote() -> String {
        guard unplaced > 0 else { return "" }
        return "<p class=\"note\">\(ReportFormat.count(unplaced)) open ticket\(unplaced == 1 ? " has" : "s have") no position yet and "
            + "\(unplaced == 1 ? "is" : "are") not drawn (run <code>fleettickets geocode locations --apply</code>).</p>"
    }
}
