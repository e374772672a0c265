import Foundation

extension InMemoryTicketStore: GazetteerStore {
    public func clustersNeedingCoordinates(retryBefore: Date) async throws -> [ClusterNeed] {
        state.withLock { s in
            var counts: [String: Int] = [:]
            for table in s.tables.values {
                for ticket in table.values {
                    guard let c = ticket.raw["cluster"], !c.isEmpty, s.clusters[c] == nil else { continue }
                    if let missed = s.clusterMisses[c], missed >= retryBefore { continue }
                    counts[c, default: 0] += 1
                }
            }
            return counts.map { ClusterNeed(cluster: $0.key, tickets: $0.value) }
                .sorted { ($0.tickets, $1.cluster) > ($1.tickets, $0.cluster) }
        }
    }

    public func placesNeedingGeocode(retryBefore: Date) async throws -> [PlaceNeed] {
        state.withLock { s in
            var needs: [String: PlaceNeed] = [:]
            for table in s.tables.values {
                for ticket in table.values where TicketColumns.isActionable(ticket.raw) {
                    guard let name = ticket.raw["location_name"], !name.isEmpty else { continue }
                    if let cached = s.locations[name], cached.answer.status == .hit || cached.at >= retryBefore { continue }
                    let cluster = ticket.raw["cluster"].flatMap { $0.isEmpty ? nil : $0 }
                    needs[name, default: PlaceNeed(locationName: name, cluster: cluster, tickets: 0,
                                                   centroid: cluster.flatMap { s.clusters[$0]?.coordinate })].tickets += 1
                }
            }
            return needs.values.sorted { $0.locationName < $1.locationName }
        }
    }

    public func save(clusters: [ClusterAnswer]) async throws {
        state.withLock { s in for a in clusters { s.clusters[a.cluster] = a } }
    }

    public func save(clusterMisses: [ClusterMiss]) async throws {
        let now = clock.now
        state.withLock { s in for m in clusterMisses where s.clusters[m.cluster] == nil { s.clusterMisses[m.cluster] = now } }
    }

    public func lastGeocoderRequest(provider: String) async throws -> Date? {
        state.withLock { $0.geocoderRequests[provider] }
    }

    public func recordGeocoderRequest(provider: String, at: Date) async throws {
        state.withLock { s in s.geocoderRequests[provider] = max(at, s.geocoderRequests[provider] ?? at) }
    }

    public func save(locations: [LocationAnswer]) async throws {
        let now = clock.now
        state.withLock { s in
            for a in locations { s.locations[a.locationName] = (a, now, (s.locations[a.locationName]?.attempts ?? 0) + 1) }
        }
    }

    public func resolveGeometries() async throws -> Int {
        state.withLock { s in
            var changed = 0
            for (dataset, table) in s.tables {
                for (id, ticket) in table {
                    let source = s.geoSource(of: ticket.raw)
                    if s.geoSources[dataset]?[id] != source {
                        s.geoSources[dataset, default: [:]][id] = source
                        changed += 1
                    }
                }
            }
            return changed
        }
    }

    public func placement() async throws -> [String: Int] {
        state.withLock { s in
            s.geoSources.values.flatMap(\.values).reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
    }

    /// Every cached place answer, by `location_name` (for tests).
    public func cachedLocations() -> [String: LocationAnswer] {
        state.withLock { $0.locations.mapValues(\.answer) }
    }

    /// Clusters cached as misses (for tests).
    public func cachedClusterMisses() -> Set<String> {
        state.withLock { Set($0.clusterMisses.keys) }
    }

    /// Every cluster coordinate (for tests).
    public func cachedClusters() -> [String: ClusterAnswer] {
        state.withLock { $0.clusters }
    }
}

extension InMemoryTicketStore.State {
    /// feed → location → cluster → none, as the database trigger resolves it.
    func geoSource(of raw: RawRecord) -> String {
        placement(of: raw).1
    }
}
