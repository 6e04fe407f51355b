// Who is offered which action (display only: the server decides and rejections show on the sync page).

/** True for an enterprise's officer or principal (they run drills, training and people records). */
export function isManager(user) {
  return !!user?.enterprise_id && ['officer', 'principal'].includes(user.role);
}

/** True for the bureau (enterprise ledger). */
export function isBureau(user) {
  return user?.role === 'bureau';
}

/** True for who may manage people: an enterprise's managers and the bureau. */
export function mayManagePeople(user) {
  return isManager(user) || isBureau(user);
}
