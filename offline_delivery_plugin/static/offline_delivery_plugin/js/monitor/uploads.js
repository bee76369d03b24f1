/*
 * Delivery files up to the server from the Monitor: one candidate's file from their row, or a whole USB stick.
 */
import {el} from '../shared/dom.js';
import {getJson, post, readJson} from '../shared/http.js';
import {gettext, interpolate, ngettext} from '../shared/i18n.js';
import {apiUrl, messages, root} from './page.js';
import {refresh} from './table.js';

/** The file chosen in ``input`` as ``row``'s delivery; the result shows in the row after the refresh. */
export function upload(row, input, result) {
  var file = input.files[0];
  if (!file) { return; }
  var form = new FormData();
  form.append('file', file);
  result.textContent = gettext('Uploading\u2026');
  post(apiUrl(row, 'uploads'), form, root).then(readJson).then(function (data) {
    var text = interpolate(gettext('Accepted: %(name)s. Receipt code %(receipt)s.'),
                           {name: file.name, receipt: data.receipt}, true);
    if (data.not_applied && data.not_applied.length) {
      text += ' ' + interpolate(ngettext(
        '%(count)s answer could not be put back into its question; it is kept: see View answers.',
        '%(count)s answers could not be put back into their questions; they are kept: see View answers.',
        data.not_applied.length), {count: data.not_applied.length}, true);
    }
    messages[row.user_id] = {ok: true, text: text};
  }).catch(function (error) {
    messages[row.user_id] = {ok: false, text: interpolate(gettext('Refused: %(name)s. %(reason)s'),
                                                          {name: file.name, reason: error.message}, true)};
  }).then(function () { input.value = ''; refresh(); });
}

// A whole USB stick: many files, a zip, or a folder; each file finds its own candidate on the server. A request
// carries at most the server's number of files (Django's DATA_UPLOAD_MAX_NUMBER_FILES): a bigger stick goes up
// in batches, one after the other, and the results add up in one list.
function batchesOf(bulk, files) {
  var size = parseInt(bulk.dataset.batchFiles, 10) || files.length;
  var batches = [];
  for (var start = 0; start < files.length; start += size) { batches.push(files.slice(start, start + size)); }
  return batches;
}

function bulkUpload(bulk, input) {
  if (!input.files.length) { return; }
  var batches = batchesOf(bulk, Array.prototype.slice.call(input.files));
  var progress = bulk.querySelector('.bulk-progress');
  var list = bulk.querySelector('.bulk-results');
  var finished = [];  // the result lines of the batches already done
  list.textContent = '';
  var chain = Promise.resolve();
  batches.forEach(function (batch, index) {
    chain = chain.then(function () {
      var form = new FormData();
      batch.forEach(function (file) { form.append('files', file, file.name); });
      progress.textContent = batches.length > 1 ? interpolate(
        gettext('Uploading batch %(batch)s of %(batches)s\u2026'), {batch: index + 1, batches: batches.length}, true)
        : gettext('Uploading\u2026');
      return post(bulk.dataset.bulkUrl, form, root);
    }).then(readJson).then(function (data) {
      var later = batches.slice(index + 1).reduce(function (count, next) { return count + next.length; }, 0);
      return poll(bulk.dataset.bulkUrl + data.upload_id + '/', progress, list, finished, later);
    }).then(function (lines) { finished = finished.concat(lines); });
  });
  chain.catch(function (error) { progress.textContent = gettext('Refused:') + ' ' + error.message; })
    .then(function () { input.value = ''; });
}

function showLine(list, line) {
  var text = line.file + ': ' + (line.candidate ? line.candidate + ' \u2014 ' : '') +
    (line.outcome === 'accepted' ? interpolate(gettext('accepted, receipt code %(receipt)s'),
                                               {receipt: line.receipt}, true)
      : line.outcome === 'already_delivered' ? gettext('already delivered')
        : line.outcome === 'duplicate' ? line.detail : gettext('refused:') + ' ' + line.detail);
  list.appendChild(el('li', {'class': 'bulk-' + line.outcome, text: text}));
}

// Follows one batch until the server has processed it; resolves to its result lines. The total counts the
// batches done, this one as the server unpacked it, and the files of the batches still to go (a zip among them
// counts as one until the server has unpacked it).
function poll(url, progress, list, finished, later) {
  return getJson(url).then(function (data) {
    progress.textContent = interpolate(gettext('%(done)s of %(total)s files processed.'), {
      done: finished.length + data.done, total: finished.length + data.total + later}, true);
    list.textContent = '';
    finished.concat(data.results).forEach(function (line) { showLine(list, line); });
    refresh();
    if (data.status !== 'done' && data.status !== 'failed') {
      return new Promise(function (resolve) { window.setTimeout(resolve, 1000); })
        .then(function () { return poll(url, progress, list, finished, later); });
    }
    return data.results;
  });
}

/** The bulk section's inputs (files or a zip, a folder) upload what is chosen; nothing without the section. */
export function watchBulkUploads() {
  var bulk = root.querySelector('.bulk');
  if (!bulk) { return; }
  ['#bulk-files', '#bulk-folder'].forEach(function (selector) {
    var input = bulk.querySelector(selector);
    input.addEventListener('change', function () { bulkUpload(bulk, input); });
  });
}
