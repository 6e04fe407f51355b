// Routes of the inspection screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/inspections', component: () => import('./InspectionListPage.vue') },
  { path: '/inspections/new', component: () => import('./InspectionStartPage.vue') },
  { path: '/inspections/:id', component: () => import('./InspectionPage.vue') },
];
