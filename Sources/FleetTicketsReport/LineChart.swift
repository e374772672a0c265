import Foundation

/// The marker drawn at each point of a series: shape as well as colour tells series apart, so
/// the charts read in greyscale and for colour-blind readers.
enum MarkerShape: Sendable {
    case circle, square, diamond, triangle

    /// The SVG element for a marker centred on (x, y), with a hover title inside.
    func svg(x: Double, y: Double, size: Double, colour: String, hollow: Bool, attributes: String, title: String) -> String {
        let fill = hollow ? "#fff" : colour
        let paint = "fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\" \(attributes)"
        let titled = "<title>\(HTMLText.escape(title))</title>"
        let r = size / 2
        switch self {
        case .circle:
            return "<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(r))\" \(paint)>\(titled)</circle>"
        case .square:
            let s = r * 0.9
            return "<rect x=\"\(svgNumber(x - s))\" y=\"\(svgNumber(y - s))\" width=\"\(svgNumber(2 * s))\" height=\"\(svgNumber(2 * s))\" \(paint)>\(titled)</rect>"
        case .diamond:
            let s = r * 1.2
            return polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)], paint: paint, titled: titled)
        case .triangle:
            let s = r * 1.2
            return polygon([(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)], paint: paint, titled: titled)
        }
    }

    private func polygon(_ corners: [(Double, Double)], paint: String, titled: String) -> String {
        let points = corners.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ")
        return "<polygon points=\"\(points)\" \(paint)>\(titled)</polygon>"
    }
}

/// One line of a chart: a value (or a gap) per period.
struct ChartSeries: Sendable {
    var name: String
    var colour: String
    var marker: MarkerShape
    var dashed = false
    var hollow = false
    /// Aligned with the chart's periods; nil draws no point and breaks the line.
    var values: [Double?]
}

/// A horizontal reference line (an SLA target) with its label.
struct ChartReference: Sendable {
    var value: Double
    var label: String
    var colour: String
}

/// A line chart over periods, drawn as inline SVG with axes, gridlines, a marker per point
/// (each with a hover title) and an HTML legend.
struct LineChart: Sendable {
    var title: String
    /// What the y axis measures, with its unit ("hours", "% of opened").
    var unit: String
    /// What the chart means, one sentence under the title.
    var caption: String
    /// The periods' first EAT days (`YYYY-MM-DD`), oldest first.
    var periods: [String]
    var series: [ChartSeries]
    var references: [ChartReference] = []
    /// Formats a value for the y axis and the hover titles.
    var format: @Sendable (Double) -> String
    /// The y axis reaches at least this far (100% for shares).
    var minimumTop: Double
    /// What the empty state says when no series has a value.
    var emptyText = "No data for this range."

    private let width = 560.0, height = 262.0
    private let left = 52.0, right = 30.0, top = 26.0, bottom = 30.0

    init(title: String, unit: String, caption: String, periods: [String], series: [ChartSeries],
         references: [ChartReference] = [], minimumTop: Double, emptyText: String = "No data for this range.",
         format: @escaping @Sendable (Double) -> String) {
        self.emptyText = emptyText
        self.title = title
        self.unit = unit
        self.caption = caption
        self.periods = periods
        self.series = series
        self.references = references
        self.minimumTop = minimumTop
        self.format = format
    }

    /// The chart as a `<figure>`: title, caption, SVG and legend; an empty-state note when no
    /// series has a value.
    func html(weekly: Bool) -> String {
        var out = "<figure class=\"chart\"><figcaption><h3>\(HTMLText.escape(title))</h3>"
        out += "<p>\(HTMLText.escape(caption))</p></figcaption>"
        let values = series.flatMap { $0.values.compactMap { $0 } }
        guard !periods.isEmpty, !values.isEmpty else {
            return out + "<p class=\"empty\">\(HTMLText.escape(emptyText))</p></figure>"
        }
        out += svg(values: values, weekly: weekly)
        out += "<ul class=\"legend\">"
        for s in series {
            out += "<li>" + swatch(s) + HTMLText.escape(s.name) + "</li>"
        }
        for r in references {
            out += "<li><svg width=\"28\" height=\"12\" aria-hidden=\"true\"><line x1=\"0\" y1=\"6\" x2=\"28\" y2=\"6\" stroke=\"\(r.colour)\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/></svg>"
                + HTMLText.escape(r.label) + "</li>"
        }
        return out + "</ul></figure>"
    }

    private func swatch(_ s: ChartSeries) -> String {
        "<svg width=\"28\" height=\"12\" aria-hidden=\"true\"><line x1=\"0\" y1=\"6\" x2=\"28\" y2=\"6\" stroke=\"\(s.colour)\" stroke-width=\"2\""
            + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>"
            + s.marker.svg(x: 14, y: 6, size: 7, colour: s.colour, hollow: s.hollow, attributes: "", title: s.name) + "</svg>"
    }

    private func svg(values: [Double], weekly: Bool) -> String {
        // A reference line (an SLA target) stretches the axis only when it is near the data;
        // one far above would flatten the lines, so it is named in the legend instead.
        let dataTop = max(values.max() ?? 0, minimumTop)
        let nearReferences = references.map(\.value).filter { $0 <= dataTop * 2.5 }
        let axisTop = AxisScale.niceTop(max(dataTop, nearReferences.max() ?? 0))
        let plotW = width - left - right, plotH = height - top - bottom
        let step = periods.count > 1 ? plotW / Double(periods.count - 1) : 0
        func x(_ i: Int) -> Double { periods.count > 1 ? left + Double(i) * step : left + plotW / 2 }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / axisTop) }

        var out = "<svg class=\"chart-svg\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        // Gridlines and y labels.
        for tick in AxisScale.ticks(top: axisTop) {
            let ty = y(tick)
            out += "<line class=\"grid\" x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(ty))\" x2=\"\(svgNumber(width - right))\" y2=\"\(svgNumber(ty))\"/>"
            out += "<text class=\"tick\" x=\"\(svgNumber(left - 6))\" y=\"\(svgNumber(ty + 4))\" text-anchor=\"end\">\(HTMLText.escape(format(tick)))</text>"
        }
        out += "<text class=\"unit\" x=\"4\" y=\"12\">\(HTMLText.escape(unit))</text>"
        // X axis and period labels (at most about eight, evenly spaced).
        let base = y(0)
        out += "<line class=\"axis\" x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(base))\" x2=\"\(svgNumber(width - right))\" y2=\"\(svgNumber(base))\"/>"
        let every = max(1, Int((Double(periods.count) / 8).rounded(.up)))
        for (i, period) in periods.enumerated() where i % every == 0 {
            let label = (weekly ? "wk " : "") + ReportFormat.day(period, withYear: false)
            out += "<line class=\"axis\" x1=\"\(svgNumber(x(i)))\" y1=\"\(svgNumber(base))\" x2=\"\(svgNumber(x(i)))\" y2=\"\(svgNumber(base + 4))\"/>"
            out += "<text class=\"tick\" x=\"\(svgNumber(x(i)))\" y=\"\(svgNumber(base + 17))\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
        }
        for r in references where r.value <= axisTop {
            out += "<line x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(y(r.value)))\" x2=\"\(svgNumber(width - right))\" y2=\"\(svgNumber(y(r.value)))\" stroke=\"\(r.colour)\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\"/>"
            out += "<text class=\"ref\" x=\"\(svgNumber(width - right - 2))\" y=\"\(svgNumber(y(r.value) - 4))\" text-anchor=\"end\" fill=\"\(r.colour)\">\(HTMLText.escape(r.label))</text>"
        }
        // Lines (broken at gaps), then the point marks on top.
        for s in series {
            var runs: [[(Double, Double)]] = [[]]
            for (i, value) in s.values.enumerated() {
                if let value { runs[runs.count - 1].append((x(i), y(value))) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            for run in runs where run.count > 1 {
                let points = run.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "")
                    + " points=\"\(points)\"/>"
            }
        }
        for s in series {
            for (i, value) in s.values.enumerated() {
                guard let value, i < periods.count else { continue }
                let title = "\(s.name), \((weekly ? "week of " : "") + ReportFormat.day(periods[i])): \(format(value))"
                let attributes = "class=\"chart-point\" data-series=\"\(HTMLText.escape(s.name))\" data-period=\"\(HTMLText.escape(periods[i]))\""
                out += s.marker.svg(x: x(i), y: y(value), size: 7, colour: s.colour, hollow: s.hollow, attributes: attributes, title: title)
            }
        }
        return out + "</svg>"
    }
}

/// Round axis tops and evenly spaced ticks.
enum AxisScale {
    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (1 for zero or less).
    static func niceTop(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= value * 0.999_999 {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// Ticks from 0 to `top` inclusive at round steps (a `niceTop` in 4 or 5 steps).
    static func ticks(top: Double) -> [Double] {
        let magnitude = pow(10, log10(top).rounded(.down))
        let steps = abs(top / magnitude - 2) < 0.001 ? 4 : 5
        return (0...steps).map { top * Double($0) / Double(steps) }
    }
}
