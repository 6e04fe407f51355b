async () => {
  // axe-core on the whole document: its serious and critical violations, a few nodes each.
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\n').slice(1, 2).join('').trim() : '')),
    count: v.nodes.length,
  }));
}
