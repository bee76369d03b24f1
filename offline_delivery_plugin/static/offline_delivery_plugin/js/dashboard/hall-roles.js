/*
 * The course's invigilators and chief invigilators: given and taken through the REST API (hall-roles/), the list
 * redrawn from the server's answer after each change.
 */
import {el} from '../shared/dom.js';
import {post, readJson} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';

function revokeLabel(holder) {
  return interpolate(gettext('Remove %(name)s as %(role)s'), {name: holder.username, role: holder.role_label}, true);
}

/** The section's table body, from the holders the server listed. */
function drawHolders(section, holders) {
  var body = section.querySelector('.hall-role-list tbody');
  body.textContent = '';
  if (!holders.length) {
    body.appendChild(el('tr', {'class': 'hall-roles-empty'}, [
      el('td', {colspan: '4', text: gettext('Nobody yet: only course staff can use the Monitor.')}),
    ]));
    return;
  }
  holders.forEach(function (holder) {
    body.appendChild(el('tr', {}, [
      el('td', {text: holder.role_label}), el('td', {text: holder.username}), el('td', {text: holder.email}),
      el('td', {}, [el('button', {type: 'button', 'class': 'btn btn-secondary hall-role-revoke',
                                  'data-user': holder.username, 'data-role': holder.role,
                                  text: revokeLabel(holder)})]),
    ]));
  });
}

/** The hall-roles section in ``root``, if the user may change the roles. */
export function setUpHallRoles(root) {
  var section = root.querySelector('.hall-roles');
  if (!section) { return; }
  var form = section.querySelector('.hall-role-form');
  var result = section.querySelector('.hall-role-result');

  // Resolves true once the server made the change (and the list is redrawn), false when it refused.
  function change(body, done) {
    result.textContent = gettext('Saving…');
    return post(section.dataset.url, body, root).then(readJson).then(function (answer) {
      drawHolders(section, answer.holders);
      result.textContent = done;
      return true;
    }).catch(function (error) {
      result.textContent = error instanceof TypeError ? gettext('Not saved: no connection. Try again.') : error.message;
      return false;
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var user = form.querySelector('input[name=user]');
    var role = form.querySelector('select[name=role]');
    var roleLabel = role.options[role.selectedIndex].textContent;
    change({user: user.value, role: role.value},
           interpolate(gettext('%(user)s is now %(role)s.'), {user: user.value, role: roleLabel}, true))
      .then(function (changed) { if (changed) { user.value = ''; } });
  });
  section.addEventListener('click', function (event) {
    var button = event.target.closest('.hall-role-revoke');
    if (!button) { return; }
    button.disabled = true;
    change({user: button.dataset.user, role: button.dataset.role, action: 'revoke'},
           interpolate(gettext('%(user)s no longer has that role.'), {user: button.dataset.user}, true))
      .then(function (changed) { if (!changed) { button.disabled = false; } });
  });
}
