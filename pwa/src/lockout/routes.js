// Routes of the lockout screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/lockouts', component: () => import('./LockoutListPage.vue') },
  { path: '/lockouts/new', component: () => import('./LockoutOpenPage.vue') },
  { path: '/lockouts/equipment/new', component: () => import('./EquipmentFormPage.vue') },
  { path: '/lockouts/equipment/:id', component: () => import('./EquipmentFormPage.vue') },
  { path: '/lockouts/:id', component: () => import('./LockoutPage.vue') },
];
