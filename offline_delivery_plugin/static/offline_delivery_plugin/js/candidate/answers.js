/*
 * Capturing answers from any block: the form inputs of every rendered block (an element with data-usage or
 * data-usage-id holding no other block), so that it works on any XBlock. Open edX's capa problems render their
 * inputs as ``input_<id>_2_1`` (a text line, a number, a formula, a radio group, a select) and a checkbox group as
 * ``input_<id>_2_1[]``: each name is one answer, keyed ``item#name`` (docs/delivery-file.rst).
 */
import {examRoot, session, state} from './page.js';

/** The blocks of the exam that hold answers. */
export function itemElements() {
  var blocks = examRoot.querySelectorAll('[data-usage], [data-usage-id]');
  return Array.prototype.filter.call(blocks, function (block) {
    return !block.querySelector('[data-usage], [data-usage-id]') && fieldsOf(block).length > 0;
  });
}

function itemId(block) { return block.getAttribute('data-usage') || block.getAttribute('data-usage-id'); }

/** The fields of a block that hold an answer (no buttons, hidden fields, files or passwords). */
export function fieldsOf(block) {
  return Array.prototype.filter.call(block.querySelectorAll('input, textarea, select'), function (field) {
    return field.name && ['button', 'submit', 'reset', 'hidden', 'file', 'password'].indexOf(field.type) < 0;
  });
}

export function names(block) {
  var seen = [];
  fieldsOf(block).forEach(function (field) { if (seen.indexOf(field.name) < 0) { seen.push(field.name); } });
  return seen;
}

// One key per answer: the item and the field's name, as the block rendered it (the applier hands the value back
// to the block under that name).
export function keyOf(block, name) { return itemId(block) + '#' + name; }

/** The answer the fields called ``name`` of ``block`` hold (a checkbox group's as a JSON list of its values). */
export function readField(block, name) {
  var fields = fieldsOf(block).filter(function (field) { return field.name === name; });
  if (fields[0].type === 'radio') {
    var checked = fields.filter(function (field) { return field.checked; })[0];
    return checked ? checked.value : '';
  }
  if (fields[0].type === 'checkbox') {
    return JSON.stringify(fields.filter(function (f) { return f.checked; }).map(function (f) { return f.value; }));
  }
  return fields[0].value;
}

function writeField(block, name, value) {
  fieldsOf(block).filter(function (field) { return field.name === name; }).forEach(function (field) {
    if (field.type === 'radio') {
      field.checked = field.value === value;
    } else if (field.type === 'checkbox') {
      var values = [];
      try { values = JSON.parse(value); } catch (error) { values = []; }
      field.checked = values.indexOf(field.value) >= 0;
    } else {
      field.value = value;
    }
  });
}

/** The ids of the items rendered on this page. */
export function renderedItems() { return itemElements().map(itemId); }

/** The exam's unit this page renders (the learning MFE loads one per page, at /xblock/<unit>), else its path. */
function unitOfPage() {
  var path = decodeURIComponent(window.location.pathname);
  var units = session.units || [];
  for (var i = 0; i < units.length; i += 1) {
    if (path.slice(-units[i].length) === units[i]) { return units[i]; }
  }
  return path;
}

/** The state remembers which items this page rendered, under its unit, for the file saved on any page. */
export function noteRenderedItems() {
  var items = renderedItems();
  if (!items.length) { return; }
  state.itemsByUnit = state.itemsByUnit || {};
  state.itemsByUnit[unitOfPage()] = items;
}

/**
 * The ids of the items the candidate's pages rendered (the delivery file lists them): every unit of the exam
 * opened on this device, in the exam's order of units.
 */
export function itemsSeen() {
  var byUnit = state.itemsByUnit || {};
  var units = (session.units || []).filter(function (unit) { return byUnit[unit]; });
  Object.keys(byUnit).forEach(function (unit) { if (units.indexOf(unit) < 0) { units.push(unit); } });
  var seen = [];
  units.forEach(function (unit) {
    byUnit[unit].forEach(function (item) { if (seen.indexOf(item) < 0) { seen.push(item); } });
  });
  return seen;
}

/**
 * The fields show the answers this device holds; a field it holds nothing for gives its own value to the state.
 * ``blocks`` (all of the exam's by default) are the ones to restore: a problem that re-rendered its fields (capa
 * does after Save and Submit) is restored alone.
 */
export function restoreInputs(blocks) {
  (blocks || itemElements()).forEach(function (block) {
    names(block).forEach(function (name) {
      var key = keyOf(block, name);
      if (Object.prototype.hasOwnProperty.call(state.answers, key)) {
        writeField(block, name, state.answers[key]);
      } else {
        state.answers[key] = readField(block, name);
      }
    });
  });
}

/**
 * Fields a block adds or replaces later (capa re-renders a problem after Save, Submit and Reset; a block may
 * add inputs) show this device's answers too: ``onChange`` is called with each block whose fields changed.
 */
export function watchForNewFields(onChange) {
  if (!window.MutationObserver) { return; }
  new MutationObserver(function (mutations) {
    var changed = [];
    mutations.forEach(function (mutation) {
      var block = mutation.target.closest && mutation.target.closest('[data-usage], [data-usage-id]');
      var added = Array.prototype.some.call(mutation.addedNodes, function (node) {
        return node.nodeType === 1 && (node.matches('input, textarea, select') ||
                                       node.querySelector('input, textarea, select'));
      });
      if (block && added && changed.indexOf(block) < 0 && itemElements().indexOf(block) >= 0) { changed.push(block); }
    });
    if (changed.length) {
      onChange(changed);
      // A problem that re-rendered while the page is closed (time up, delivered, locked) stays closed.
      if (inputsDisabled) { setInputsDisabled(true, changed); }
    }
  }).observe(examRoot, {childList: true, subtree: true});
}

var inputsDisabled = false;

/** Every field and button of the exam's blocks on or off (time up, delivered, waiting for the invigilator). */
export function setInputsDisabled(disabled, blocks) {
  inputsDisabled = disabled;
  (blocks || itemElements()).forEach(function (block) {
    fieldsOf(block).concat(Array.prototype.slice.call(block.querySelectorAll('button'))).forEach(function (f) {
      f.disabled = disabled;
    });
  });
}
