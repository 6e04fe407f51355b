// Live lockouts and equipment of the person's enterprise, with equipment names and the effects' point cache fed.
import { computed, watch } from 'vue';
import { useRecords } from '../composables/useRecords.js';
import { rememberEquipment } from './effects.js';
import { displayLockout, isActiveLockout } from './rules.js';

/** Reactive {equipment, lockouts, active, equipmentById, equipmentName(id)} (lockouts as shown). */
export function useLockouts() {
  const equipment = useRecords('equipment');
  const rawLockouts = useRecords('lockout');
  watch(equipment, (list) => rememberEquipment(list), { immediate: true });
  const equipmentById = computed(() => new Map(equipment.value.map((e) => [e.id, e])));
  const lockouts = computed(() =>
    rawLockouts.value
      .map((l) => displayLockout(l, equipmentById.value.get(l.equipment_id)))
      .sort((a, b) => String(b.history?.[0]?.at ?? '').localeCompare(String(a.history?.[0]?.at ?? ''))),
  );
  const active = computed(() => lockouts.value.filter(isActiveLockout));
  // The name alone: a code (ZL-02-YY) is shown apart, marked as not language, where there is room for it.
  const equipmentName = (id) => equipmentById.value.get(id)?.name ?? '';
  return { equipment, lockouts, active, equipmentById, equipmentName, loaded: rawLockouts.loaded };
}
