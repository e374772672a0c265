/// The places the simulator draws from: real Kenyan clusters and neighbourhoods with their
/// approximate coordinates (the demo gazetteer is built from the same list).
public enum SimulationCatalog {
    /// A network cluster, its centroid and the places inside it.
    public struct Cluster: Sendable {
        public var name: String
        public var region: String
        public var centroid: Coordinate
        public var places: [Place]
    }

    /// A neighbourhood a `location_name` can point at.
    public struct Place: Sendable {
        public var name: String
        public var coordinate: Coordinate
    }

    private static func c(_ lat: Double, _ lng: Double) -> Coordinate { Coordinate(latitude: lat, longitude: lng) }
    private static func p(_ name: String, _ lat: Double, _ lng: Double) -> Place { Place(name: name, coordinate: c(lat, lng)) }

    /// The clusters, with regions spelled in the feed's mixed case.
    public static let clusters: [Cluster] = [
        Cluster(name: "Kasarani", region: "Nairobi East", centroid: c(-1.2219, 36.8973),
                places: [p("Mwiki", -1.2149, 36.9236), p("Clay City", -1.2207, 36.9057), p("Sunton", -1.2283, 36.8897)]),
        Cluster(name: "Roysambu", region: "NAIROBI EAST", centroid: c(-1.2186, 36.8847),
                places: [p("Zimmerman", -1.2098, 36.8899), p("Kahawa West", -1.1870, 36.9130), p("Githurai", -1.2000, 36.9180)]),
        Cluster(name: "Embakasi", region: "Nairobi East", centroid: c(-1.3190, 36.8980),
                places: [p("Pipeline", -1.3165, 36.8906), p("Tassia", -1.3180, 36.9100), p("Utawala", -1.2880, 36.9650)]),
        Cluster(name: "Westlands", region: "Nairobi West", centroid: c(-1.2676, 36.8108),
                places: [p("Parklands", -1.2597, 36.8186), p("Kangemi", -1.2667, 36.7500), p("Spring Valley", -1.2460, 36.7930)]),
        Cluster(name: "Kilimani", region: "nairobi west", centroid: c(-1.2906, 36.7856),
                places: [p("Kileleshwa", -1.2800, 36.7843), p("Lavington", -1.2780, 36.7700), p("Yaya", -1.2930, 36.7870)]),
        Cluster(name: "Langata", region: "Nairobi West", centroid: c(-1.3300, 36.7700),
                places: [p("Karen", -1.3197, 36.7073), p("South C", -1.3200, 36.8250), p("Otiende", -1.3290, 36.7800)]),
        Cluster(name: "Rongai", region: "Kajiado", centroid: c(-1.3960, 36.7600),
                places: [p("Tuala", -1.4080, 36.7680), p("Kware", -1.3930, 36.7470)]),
        Cluster(name: "Ruaka", region: "Kiambu", centroid: c(-1.2080, 36.7800),
                places: [p("Ndenderu", -1.1950, 36.7580), p("Banana Hill", -1.1780, 36.7570)]),
        Cluster(name: "Kitengela", region: "Kajiado", centroid: c(-1.4760, 36.9600),
                places: [p("Milimani Kitengela", -1.4710, 36.9650), p("Acacia", -1.4850, 36.9560)]),
        Cluster(name: "Thika", region: "Central", centroid: c(-1.0333, 37.0693),
                places: [p("Makongeni", -1.0400, 37.0800), p("Section 9", -1.0460, 37.0840)]),
        Cluster(name: "Nyali", region: "Coast", centroid: c(-4.0317, 39.7150),
                places: [p("Bamburi", -3.9980, 39.7230), p("Kongowea", -4.0380, 39.6920), p("Mkomani", -4.0250, 39.7100)]),
        Cluster(name: "Kisumu", region: "Western", centroid: c(-0.0917, 34.7680),
                places: [p("Milimani", -0.1000, 34.7600), p("Nyalenda", -0.1120, 34.7620)]),
        Cluster(name: "Nakuru", region: "Rift Valley", centroid: c(-0.3031, 36.0800),
                places: [p("Section 58", -0.2910, 36.0860), p("Lanet", -0.3000, 36.1500)]),
    ]

    /// Field teams, by cluster index modulo the count.
    public static let teams = ["FieldOps North", "FieldOps South", "FieldOps West", "Coast Squad", "Lake Squad", "Rift Crew"]

    /// Owners; some contain a comma so the CSV must quote them.
    public static let owners = ["J. Otieno", "M. Wanjiru", "Kamau, Peter", "A. Hassan", "Achieng, Grace", "B. Kiprop", "S. Mutua", "N. Njeri"]
}

extension SimulationCatalog {
    /// The catalog as a gazetteer file (`name,latitude,longitude,cluster`): every cluster
    /// centroid and every place, with their real (approximate) coordinates.
    public static var gazetteerCSV: String {
        var out = "name,latitude,longitude,cluster\n"
        for c in clusters {
            out += "\(c.name),\(c.centroid.latitude),\(c.centroid.longitude),\(c.name)\n"
            for p in c.places { out += "\(p.name),\(p.coordinate.latitude),\(p.coordinate.longitude),\(c.name)\n" }
        }
        return out
    }
}
