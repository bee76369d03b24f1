/*
 * Building the plugin's pages' elements without HTML strings (nothing from the server or a learner is ever parsed
 * as markup).
 */

/**
 * A new element: ``attrs`` are its attributes, except ``text``, which is its text content; ``children`` (nodes)
 * are appended in order. el('p', {'class': 'od-error', role: 'alert'}), el('li', {text: name}, [link]).
 */
export function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
  });
  (children || []).forEach(function (child) { node.appendChild(child); });
  return node;
}
