/*
 * The translation functions of Django's JavaScript catalogue (the page loads it before the plugin's scripts), with
 * plain English where a page has none. Every page of the plugin imports them from here under the same names, so
 * that xgettext (makemessages) still finds each string where it is used.
 */

export var gettext = window.gettext || function (text) { return text; };

export var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };

export var interpolate = window.interpolate || function (fmt, obj) {
  return fmt.replace(/%\((\w+)\)s/g, function (_m, name) { return String(obj[name]); });
};
