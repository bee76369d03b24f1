/*
 * Capturing answers from any block: the form inputs of every rendered block (an element with data-usage or
 * data-usage-id holding no other block), so that it works on any XBlock.
 */
import {examRoot, state} from './page.js';

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

function names(block) {
  var seen = [];
  fieldsOf(block).forEach(function (field) { if (seen.indexOf(field.name) < 0) { seen.push(field.name); } });
  return seen;
}

// One key per answer: the item id when the item has one field name, "item#name" otherwise.
export function keyOf(block, name) { return names(block).length === 1 ? itemId(block) : itemId(block) + '#' + name; }

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

/** The ids of the items rendered on this page (the delivery file lists them). */
export function renderedItems() { return itemElements().map(itemId); }

/** The fields show the answers this device holds; a field it holds nothing for gives its own value to the state. */
export function restoreInputs() {
  itemElements().forEach(function (block) {
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

/** Every field and button of the exam's blocks on or off (time up, delivered, waiting for the invigilator). */
export function setInputsDisabled(disabled) {
  itemElements().forEach(function (block) {
    fieldsOf(block).concat(Array.prototype.slice.call(block.querySelectorAll('button'))).forEach(function (f) {
      f.disabled = disabled;
    });
  });
}
