// Start the app: read the session from IndexedDB first (so offline starts signed in), then mount and sync.
import { createApp } from 'vue';
import { setNotifyDefaultOptions, setToastDefaultOptions, showConfirmDialog, showNotify } from 'vant';
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import 'vant/es/notify/style';
import 'vant/es/image-preview/style';
import './styles/targets.css';
import './styles/contrast.css';
import { registerSW } from 'virtual:pwa-register';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';
import { initSession } from './composables/useSession.js';
import { startAutoSync } from './sync/engine.js';

function promptForUpdates() {
  const { t } = i18n.global;
  const updateSW = registerSW({
    onNeedRefresh() {
      showConfirmDialog({ message: t('app.updateAvailable'), confirmButtonText: t('app.update'), cancelButtonText: t('app.later') })
        .then(() => updateSW(true))
        .catch(() => {});
    },
    onOfflineReady() {
      showNotify({ type: 'success', message: t('app.offlineReady'), duration: 1500 });
    },
  });
}

// Notifications and toasts are status messages a screen reader announces, not dialogs to name.
setNotifyDefaultOptions({ role: 'status' });
setToastDefaultOptions({ role: 'status' });

async function start() {
  await initSession();
  const app = createApp(App);
  app.use(i18n).use(router);
  await router.isReady().catch(() => {});
  app.mount('#app');
  startAutoSync();
  if ('serviceWorker' in navigator) promptForUpdates();
}

start();
