// Routes of the training screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/trainings', component: () => import('./TrainingListPage.vue') },
  { path: '/trainings/new', component: () => import('./TrainingSchedulePage.vue') },
  { path: '/trainings/scan', component: () => import('./TrainingScanPage.vue') },
  { path: '/trainings/:id', component: () => import('./TrainingDetailPage.vue') },
  { path: '/my-training', component: () => import('./MyTrainingPage.vue') },
];
