/*
 * "Save delivery as file": the dialog where the invigilator types the password (five wrong tries lock it, and the
 * lock survives a reload), the download, and the dialog that names the file and its receipt code.
 */
import {el} from '../shared/dom.js';
import {gettext, interpolate} from '../shared/i18n.js';
import {makeSnapshot} from './chain.js';
import {b64url, sha256Hex} from './crypto.js';
import {encryptDelivery, fileName, receiptCode} from './delivery-file.js';
import {inMfe, root, session, state} from './page.js';
import {checkPassword} from './password.js';
import {persist} from './store.js';
import {ui} from './ui.js';

var MAX_FAILED_PASSWORDS = 5;

export function buildDialog() {
  ui.dialog = el('dialog', {'class': 'od-dialog', 'aria-labelledby': 'od-dialog-title'});
  var form = el('form', {method: 'dialog'});
  form.appendChild(el('h2', {id: 'od-dialog-title', text: gettext('Save delivery as file')}));
  form.appendChild(el('p', {text: gettext(
    'An invigilator must type the invigilator password. The file is encrypted: only the exam office can open it.'
  )}));
  ui.password = el('input', {type: 'password', id: 'od-password', autocomplete: 'off'});
  form.appendChild(el('p', {}, [el('label', {'for': 'od-password', text: gettext('Invigilator password')}),
                                document.createTextNode(' '), ui.password]));
  ui.blank = el('input', {type: 'checkbox', id: 'od-blank'});
  ui.blankRow = el('p', {}, [ui.blank, document.createTextNode(' '),
                             el('label', {'for': 'od-blank', text: gettext('Deliver blank')})]);
  form.appendChild(ui.blankRow);
  ui.dialogError = el('p', {'class': 'od-error', role: 'alert'});
  form.appendChild(ui.dialogError);
  ui.saveButton = el('button', {type: 'submit', value: 'save', text: gettext('Save delivery')});
  var cancel = el('button', {type: 'button', text: gettext('Cancel')});
  form.appendChild(el('p', {}, [ui.saveButton, document.createTextNode(' '), cancel]));
  ui.dialog.appendChild(form);
  ui.done = el('dialog', {'class': 'od-dialog od-done', 'aria-labelledby': 'od-done-title'});
  root.appendChild(ui.dialog);
  root.appendChild(ui.done);

  cancel.addEventListener('click', function () { ui.dialog.close(); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    saveAsFile();
  });
}

// In the learning MFE the page is an iframe as tall as the unit (the MFE sizes it to its content), and a modal
// dialog is centred in that whole height: far below or above what the candidate looks at. There it opens just
// under what opened it (the button, or the page's bar), which is on screen, and inside the frame.
export function showModalNear(dialog) {
  var anchor = document.activeElement;
  if (!anchor || anchor === document.body || !anchor.getClientRects().length) { anchor = ui.bar; }
  var below = anchor ? Math.round(anchor.getBoundingClientRect().bottom) + 8 : 8;
  dialog.showModal();
  if (!inMfe) { return; }
  dialog.style.margin = '0 auto';
  dialog.style.bottom = 'auto';
  dialog.style.top = Math.max(8, Math.min(below, window.innerHeight - dialog.offsetHeight - 8)) + 'px';
}

export function openDialog() {
  ui.password.value = '';
  ui.blank.checked = false;
  ui.blankRow.hidden = !session.allow_deliver_blank;
  ui.dialogError.textContent = '';
  showModalNear(ui.dialog);
  ui.password.focus();
}

function download(bytes, name) {
  var url = URL.createObjectURL(new Blob([bytes], {type: 'application/octet-stream'}));
  var link = el('a', {href: url, download: name, hidden: 'hidden'});
  document.body.appendChild(link);
  link.click();
  window.setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 60000);
}

function saveAsFile() {
  var now = Date.now();
  if (state.lockedUntil > now) {
    ui.dialogError.textContent = interpolate(gettext('Too many wrong passwords. Try again in %(seconds)s s.'),
                                             {seconds: Math.ceil((state.lockedUntil - now) / 1000)}, true);
    return;
  }
  var blank = session.allow_deliver_blank && ui.blank.checked;
  if (blank && !window.confirm(gettext(
    'Deliver blank? The file will say you hand in no answers, even though your answers stay on this device.'))) {
    return;
  }
  if (!session.kid) {
    ui.dialogError.textContent = gettext('Your exam waits for the invigilator password: it cannot be saved yet.');
    return;
  }
  var password = ui.password.value;
  ui.saveButton.disabled = true;
  ui.dialogError.textContent = gettext('Checking the password\u2026');
  // Marks for measuring (benchmarks read them with performance.getEntriesByType('measure')).
  performance.mark('od-password-start');
  checkPassword(password).then(function (right) {
    performance.measure('od-password-check', 'od-password-start');
    if (!right) {
      state.failedPasswords += 1;
      if (state.failedPasswords >= MAX_FAILED_PASSWORDS) {
        // 30 s after the fifth failure, doubling with each further one.
        state.lockedUntil = Date.now() + 30000 * Math.pow(2, state.failedPasswords - MAX_FAILED_PASSWORDS);
      }
      persist();
      throw new Error(gettext('Wrong invigilator password.'));
    }
    state.failedPasswords = 0;
    state.lockedUntil = 0;
    performance.mark('od-export-start');
    return makeSnapshot(true).then(function () { return encryptDelivery(blank, password); });
  }).then(function (bytes) {
    performance.measure('od-export', 'od-export-start');
    var name = fileName();
    return sha256Hex(bytes).then(function (digest) {
      var receipt = receiptCode(digest);
      state.deliveries.push({name: name, receipt: receipt, seq: state.seq, blank: blank, at: Date.now(),
                             file: b64url(bytes), delivered: false});
      return persist().then(function () {
        download(bytes, name);
        ui.dialog.close();
        showSaved(name, receipt, blank);
      });
    });
  }).catch(function (error) {
    ui.dialogError.textContent = error.message;
  }).then(function () { ui.saveButton.disabled = false; });
}

function showSaved(name, receipt, blank) {
  ui.done.textContent = '';
  ui.done.appendChild(el('h2', {id: 'od-done-title', text: gettext('Delivery saved as file')}));
  ui.done.appendChild(el('p', {}, [document.createTextNode(gettext('File name:') + ' '),
                                   el('strong', {'class': 'od-file-name', text: name})]));
  var seb = session.safe_exam_browser;
  ui.done.appendChild(el('p', {text: seb ? sebFolderText(seb) : gettext(
    'Saved in this browser\u2019s download folder (usually Downloads). Move it to the USB stick, or deliver it ' +
    'from this page when the connection is back.')}));
  ui.done.appendChild(el('p', {}, [document.createTextNode(gettext('Receipt code:') + ' '),
                                   el('strong', {'class': 'od-receipt', text: receipt})]));
  if (blank) { ui.done.appendChild(el('p', {text: gettext('This file delivers blank.')})); }
  var ok = el('button', {type: 'button', text: gettext('OK')});
  ok.addEventListener('click', function () { ui.done.close(); });
  var buttons = el('p', {}, [ok]);
  if (seb) { buttons.appendChild(document.createTextNode(' ')); buttons.appendChild(exitSebLink(seb)); }
  ui.done.appendChild(buttons);
  showModalNear(ui.done);
  ok.focus();
}

// Where Safe Exam Browser saved the file: the exam's folders, or SEB's own default (the Downloads folder).
function sebFolderText(seb) {
  var windows = seb.download_directory_win || gettext('Downloads');
  var mac = seb.download_directory_mac || '~/Downloads';
  return interpolate(gettext(
    'Safe Exam Browser saved it in the folder %(windows)s (Windows) or %(mac)s (Mac); on an iPad, in the Files ' +
    'app, On My iPad. The invigilator exits Safe Exam Browser and moves the file to the USB stick, or you ' +
    'deliver it from this page when the connection is back.'), {windows: windows, mac: mac}, true);
}

// SEB quits when the top window opens its quit URL, after asking (the .seb file's quitURLConfirm); the unit's
// frame may send the top window there on a click.
export function exitSebLink(seb) {
  return el('a', {'class': 'btn btn-secondary od-exit-seb', href: seb.quit_url, target: '_top',
                  text: gettext('Exit Safe Exam Browser')});
}
