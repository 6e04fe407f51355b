// Routes of the drill screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/drills', component: () => import('./DrillListPage.vue') },
  { path: '/drills/new', component: () => import('./DrillPlanPage.vue') },
  { path: '/drills/:id', component: () => import('./DrillDetailPage.vue') },
];
