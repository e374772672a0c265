/// The geography under the map's marks: land borders, the coastline and the large lakes
/// around Kenya, from Natural Earth (public domain; `scripts/basemap/build_basemap.py` made
/// `Basemap+Data.swift` from its 1:50m layers).
///
/// Only lakes whose bounding box meets the frame, and only the stretches of a line whose
/// segments meet it, are written, so a city-scale frame carries next to nothing and a
/// country-scale one a few kilobytes. A segment that leaves the frame is kept whole (the SVG
/// viewport clips it), so a border runs off the edge instead of stopping short of it.
enum Basemap {
    /// The SVG group for `projection`'s frame: lakes filled, coast and borders as lines.
    static func svg(_ projection: MapProjection) -> String {
        var out = "<g class=\"basemap\" aria-hidden=\"true\">"
        for lake in lakes where meets(lake.ring, projection) {
            out += "<path class=\"lake\" d=\"\(path(lake.ring, projection, closed: true))\"><title>\(HTMLText.escape(lake.name))</title></path>"
        }
        for stretch in coastline.flatMap({ stretches($0, projection) }) {
            out += "<path class=\"coast\" d=\"\(path(stretch, projection, closed: false))\"/>"
        }
        for stretch in borders.flatMap({ stretches($0, projection) }) {
            out += "<path class=\"border\" d=\"\(path(stretch, projection, closed: false))\"/>"
        }
        return out + "</g>"
    }

    /// Whether the shape's bounding box overlaps the frame.
    private static func meets(_ points: [(Double, Double)], _ p: MapProjection) -> Bool {
        var minLat = Double.infinity, maxLat = -Double.infinity, minLng = Double.infinity, maxLng = -Double.infinity
        for (lat, lng) in points {
            minLat = min(minLat, lat); maxLat = max(maxLat, lat)
            minLng = min(minLng, lng); maxLng = max(maxLng, lng)
        }
        return minLat <= p.maxLat && maxLat >= p.minLat && minLng <= p.maxLng && maxLng >= p.minLng
    }

    /// Whether the segment from `a` to `b` passes through the frame (Liang–Barsky: the part of
    /// the segment left after clipping to each edge in turn is not empty).
    private static func crosses(_ a: (Double, Double), _ b: (Double, Double), _ p: MapProjection) -> Bool {
        let (dLat, dLng) = (b.0 - a.0, b.1 - a.1)
        var enter = 0.0, leave = 1.0
        for (delta, room) in [(-dLng, a.1 - p.minLng), (dLng, p.maxLng - a.1), (-dLat, a.0 - p.minLat), (dLat, p.maxLat - a.0)] {
            if delta == 0 {
                if room < 0 { return false }
            } else if delta < 0 {
                enter = max(enter, room / delta)
            } else {
                leave = min(leave, room / delta)
            }
            if enter > leave { return false }
        }
        return true
    }

    /// The runs of consecutive segments of `line` that pass through the frame.
    private static func stretches(_ line: [(Double, Double)], _ p: MapProjection) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [], run: [(Double, Double)] = []
        for i in line.indices.dropFirst() {
            if crosses(line[i - 1], line[i], p) {
                if run.isEmpty { run.append(line[i - 1]) }
                run.append(line[i])
            } else if !run.isEmpty {
                runs.append(run)
                run = []
            }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    private static func path(_ points: [(Double, Double)], _ p: MapProjection, closed: Bool) -> String {
        var d = ""
        for (i, (lat, lng)) in points.enumerated() {
            let (x, y) = p.project(lat: lat, lng: lng)
            d += (i == 0 ? "M" : "L") + svgNumber(x) + " " + svgNumber(y)
        }
        return closed ? d + "Z" : d
    }
}
