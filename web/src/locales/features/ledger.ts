// Messages of the ledger pages, both languages side by side: this file is the
// only one the ledger pages add to, so features do not edit each other's files.
// Mounted under the key 'ledger' (t('ledger.…')); en must have exactly zh's keys.
const zh = {
  title: '工作台账',
}

const en: typeof zh = {
  title: 'Ledger',
}

export default { zh, en }
