// Chinese names for the server's command types and record types, wherever a person reads one (the bureau's
// late entries, the sync queue): one place, the `command` and `entityName` texts of this folder's JSON.
import { useI18n } from 'vue-i18n';

/** The text key naming a command type such as `lockout.apply_lock`; `command.unknown`, never the raw type. */
export function commandKey(type, has) {
  return has(`command.${type}`) ? `command.${type}` : 'command.unknown';
}

/** The text key naming a record type such as `training_session`; `entityName.unknown`, never the raw type. */
export function entityKey(entity, has) {
  return has(`entityName.${entity}`) ? `entityName.${entity}` : 'entityName.unknown';
}

/** {commandLabel(type), entityLabel(entity)} in the UI language. */
export function useCommandLabels() {
  const { t, te } = useI18n();
  const has = (key) => te(key) || te(key, 'zh-CN');
  return { commandLabel: (type) => t(commandKey(type, has)), entityLabel: (entity) => t(entityKey(entity, has)) };
}
