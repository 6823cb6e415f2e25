// Messages of the admin pages, both languages side by side: this file is the
// only one the admin pages add to, so features do not edit each other's files.
// Mounted under the key 'admin' (t('admin.…')); en must have exactly zh's keys.
const zh = {
  title: '系统管理',
}

const en: typeof zh = {
  title: 'Administration',
}

export default { zh, en }
