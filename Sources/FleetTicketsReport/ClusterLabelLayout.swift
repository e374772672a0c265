import FleetTicketsCore

/// Places cluster labels at their centroids without letting them overlap.
///
/// Biggest clusters first; each label tries above its centroid, then below, right and left,
/// and is dropped (its centroid dot stays, with a hover title) when all four would overlap a
/// label already placed. Greedy and linear in the labels times those placed: a report has
/// tens of clusters, not thousands.
struct ClusterLabelLayout: Sendable {
    let projection: MapProjection
    /// Approximate advance of one character of the 13 px label font.
    private let characterWidth = 7.4, lineHeight = 15.0

    private struct Box {
        var minX, minY, maxX, maxY: Double
        func overlaps(_ other: Box) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }
    }

    func svg(_ clusters: [ClusterLabel]) -> String {
        var placed: [Box] = []
        var out = "<g class=\"clusters\">"
        let ordered = clusters.sorted { ($1.openCount, $0.name) < ($0.openCount, $1.name) }
        for cluster in ordered {
            let (x, y) = projection.project(lat: cluster.latitude, lng: cluster.longitude)
            let text = "\(cluster.name) · \(ReportFormat.count(cluster.openCount))"
            let width = Double(text.count) * characterWidth
            out += "<circle class=\"centroid\" cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"2.5\"><title>\(HTMLText.escape(cluster.name)): \(ReportFormat.count(cluster.openCount)) open</title></circle>"
            // Candidate anchors: (text x, baseline y, anchor).
            let candidates: [(Double, Double, String)] = [
                (x, y - 12, "middle"), (x, y + 22, "middle"), (x + 12, y + 5, "start"), (x - 12, y + 5, "end"),
            ]
            for (tx, ty, anchor) in candidates {
                let minX = anchor == "middle" ? tx - width / 2 : anchor == "start" ? tx : tx - width
                let box = Box(minX: minX - 2, minY: ty - lineHeight + 3, maxX: minX + width + 2, maxY: ty + 4)
                guard box.minX >= 0, box.maxX <= projection.width, box.minY >= 0, box.maxY <= projection.height,
                      !placed.contains(where: { $0.overlaps(box) }) else { continue }
                placed.append(box)
                out += "<text class=\"cluster-label\" x=\"\(svgNumber(tx))\" y=\"\(svgNumber(ty))\" text-anchor=\"\(anchor)\">\(HTMLText.escape(text))</text>"
                break
            }
        }
        return out + "</g>"
    }
}
