// Shared submit flow of every hazard form: draft, optional redo of a rejected command, queue, then go on.
import { ref } from 'vue';
import { useRoute } from 'vue-router';
import { useI18n } from 'vue-i18n';
import { showToast, showSuccessToast } from 'vant';
import { db } from '../db/database.js';
import { enqueueCommand, dismissRejected } from '../sync/outbox.js';
import { useDraft } from './useDraft.js';
import { useSession } from './useSession.js';

/** Form state saved as a draft under `draftKey`, prefilled from `?redo=<rejected id>` when given. */
export function useCommandForm(draftKey, defaults) {
  const route = useRoute();
  const { t } = useI18n();
  const { user } = useSession();
  const draft = useDraft(draftKey, defaults);
  const redoId = route.query.redo ? String(route.query.redo) : null;
  const submitting = ref(false);
  draft.ready.then(async () => {
    if (!redoId) return;
    const rejected = await db.rejected.get(redoId);
    if (rejected) Object.assign(draft.form, { ...structuredClone(defaults), ...rejected.args });
  });

  /** Validate, then queue `type` for `entityId` with args made from the form; true once safely stored. */
  async function submit({ type, entityId, error, args }) {
    if (error) {
      showToast(error);
      return false;
    }
    submitting.value = true;
    try {
      await enqueueCommand(user.value, { type, entityId, args });
      await draft.clear();
      if (redoId) await dismissRejected(redoId);
      showSuccessToast(t('action.saved'));
      return true;
    } finally {
      submitting.value = false;
    }
  }
  return { form: draft.form, restored: draft.restored, flush: draft.flush, submit, submitting, t };
}
