// Routes of the inbox, notification settings and the bureau's notices (added in src/router.js).
export const routes = [
  { path: '/inbox', component: () => import('./InboxPage.vue'), meta: { tab: true } },
  { path: '/inbox/:id', component: () => import('./NotificationPage.vue') },
  { path: '/settings/notifications', component: () => import('./NotificationSettingsPage.vue') },
  { path: '/deliveries', component: () => import('./DeliveryLogPage.vue') },
  { path: '/notices/new', component: () => import('./NoticeFormPage.vue') },
  { path: '/notices/:id', component: () => import('./NoticeDetailPage.vue') },
  { path: '/settings/office-channels', component: () => import('./OfficeChannelsPage.vue') },
];
