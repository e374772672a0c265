// The PostgreSQL client library, for the Swift target CLibPQ.
// pkg-config (libpq) adds -I/usr/include/postgresql, so the plain name works;
// without pkg-config the header would be <postgresql/libpq-fe.h>.
#ifndef FLEETTICKETS_CLIBPQ_SHIM_H
#define FLEETTICKETS_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
