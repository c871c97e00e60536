// Core function catalogue, geography: great-circle distance (haversine, mean Earth radius), for
// impossible-travel rules. Coordinates in decimal degrees; out-of-range latitudes give null.

import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { asNumber, strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Haversine distance in km between (lat1, lon1) and (lat2, lon2). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function geoDistance(lat1: Value, lon1: Value, lat2: Value, lon2: Value): Value {
  const c = [lat1, lon1, lat2, lon2].map(asNumber) as [number, number, number, number];
  if (c.some((x) => !Number.isFinite(x)) || Math.abs(c[0]) > 90 || Math.abs(c[2]) > 90) return null;
  return haversineKm(...c);
}

export const GEO_FUNCTIONS: readonly FunctionDef[] = [
  strict(
    "geo_distance_km",
    [T.float, T.float, T.float, T.float],
    T.float,
    "geo_distance_km(lat1, lon1, lat2, lon2): great-circle distance in km (haversine)",
    geoDistance,
  ),
];
