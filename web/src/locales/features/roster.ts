// Messages of the roster pages, both languages side by side: this file is the
// only one the roster pages add to, so features do not edit each other's files.
// Mounted under the key 'roster' (t('roster.…')); en must have exactly zh's keys.
const zh = {
  title: '队伍名册',
}

const en: typeof zh = {
  title: 'Teams and rosters',
}

export default { zh, en }
