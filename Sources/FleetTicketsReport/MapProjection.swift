import Foundation

/// An equirectangular projection fitted to a set of points: their bounding box plus a margin,
/// centred in a fixed-width frame whose height follows the box's shape (within limits).
///
/// Longitude is scaled by the cosine of the middle latitude so that a kilometre is as long
/// east–west as north–south; over a city or a country that is accurate to a few percent.
struct MapProjection: Sendable {
    let width: Double
    let height: Double
    private let scale: Double          // pixels per projected degree
    private let cosMid: Double
    private let centreX: Double, centreY: Double
    let minLat: Double, maxLat: Double, minLng: Double, maxLng: Double

    /// A projection for points `(lat, lng)`; `points` must not be empty.
    init(points: [(lat: Double, lng: Double)], width: Double = 1000, minHeight: Double = 380, maxHeight: Double = 620) {
        var minLat = points.map(\.lat).min()!, maxLat = points.map(\.lat).max()!
        var minLng = points.map(\.lng).min()!, maxLng = points.map(\.lng).max()!
        // At least ~2 km across, so one ticket (or one cluster) is not an infinite zoom.
        let minimumSpan = 0.02
        if maxLat - minLat < minimumSpan { let mid = (maxLat + minLat) / 2; minLat = mid - minimumSpan / 2; maxLat = mid + minimumSpan / 2 }
        if maxLng - minLng < minimumSpan { let mid = (maxLng + minLng) / 2; minLng = mid - minimumSpan / 2; maxLng = mid + minimumSpan / 2 }
        // A margin of 8% each side keeps marks and labels off the frame.
        let padLat = (maxLat - minLat) * 0.08, padLng = (maxLng - minLng) * 0.08
        minLat -= padLat; maxLat += padLat; minLng -= padLng; maxLng += padLng
        cosMid = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = (maxLng - minLng) * cosMid, spanY = maxLat - minLat
        self.width = width
        height = min(maxHeight, max(minHeight, width * spanY / spanX))
        scale = min(width / spanX, height / spanY)
        centreX = (minLng + maxLng) / 2 * cosMid
        centreY = (minLat + maxLat) / 2
        // The frame's actual extent (the fit leaves room on one axis).
        self.minLng = (centreX - width / 2 / scale) / cosMid
        self.maxLng = (centreX + width / 2 / scale) / cosMid
        self.minLat = centreY - height / 2 / scale
        self.maxLat = centreY + height / 2 / scale
    }

    /// The frame position of a point.
    func project(lat: Double, lng: Double) -> (x: Double, y: Double) {
        (width / 2 + (lng * cosMid - centreX) * scale, height / 2 - (lat - centreY) * scale)
    }

    /// Frame pixels per kilometre (a degree of latitude is 111.32 km).
    var pixelsPerKilometre: Double { scale / 111.32 }

    /// Gridline values between `low` and `high` at a round step giving about `count` lines.
    static func gridValues(low: Double, high: Double, count: Double = 5) -> [Double] {
        let raw = (high - low) / count
        let magnitude = pow(10, log10(raw).rounded(.down))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var value = (low / step).rounded(.up) * step
        var values: [Double] = []
        while value <= high {
            values.append(value)
            value += step
        }
        return values
    }
}
