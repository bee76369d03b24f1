/*
 * How the plugin's pages write times and codes.
 */

/** Crockford's base32 (no I, L, O or U to misread): the alphabet of receipt codes and suggested passwords. */
export var CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A number of seconds as h:mm:ss (the candidate's countdown, the Monitor's time left). */
export function formatDuration(seconds) {
  var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return h + ':' + ('0' + m).slice(-2) + ':' + ('0' + s).slice(-2);
}

/** A moment (anything ``Date`` reads) as this device's time of day; a dash when there is none. */
export function formatTimeOfDay(value) { return value ? new Date(value).toLocaleTimeString() : '\u2014'; }
