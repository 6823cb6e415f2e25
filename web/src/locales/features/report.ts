// Messages of the report pages, both languages side by side: this file is the
// only one the report pages add to, so features do not edit each other's files.
// Mounted under the key 'report' (t('report.…')); en must have exactly zh's keys.
const zh = {
  title: '工作报告',
}

const en: typeof zh = {
  title: 'Work reports',
}

export default { zh, en }
