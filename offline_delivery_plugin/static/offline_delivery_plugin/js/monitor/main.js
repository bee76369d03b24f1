/*
 * The invigilator Monitor: every candidate of one exam, refreshed every few seconds; upload a candidate's
 * delivery file; view the answers behind it. monitor.js (the page's script) imports this module; it starts the
 * page. Strings through the plugin's JavaScript catalog.
 */
import {closeDialogsOnClose} from './dialogs.js';
import {root} from './page.js';
import {refresh} from './table.js';
import {watchBulkUploads} from './uploads.js';

var REFRESH_MS = 5000;

if (root) {
  closeDialogsOnClose();
  watchBulkUploads();
  refresh();
  window.setInterval(refresh, REFRESH_MS);
}
