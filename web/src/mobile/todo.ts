// The phone's 待办 list, shared by the progress page (which lists it) and the
// tab bar (whose progress tab shows how many lines wait).
import { computed, ref } from 'vue'
import type { Schemas } from '@/api/client'
import { http } from '@/api/typed'

type TodoItem = Schemas['TodoItem']

const items = ref<TodoItem[]>([])
const loaded = ref(false)

export function useTodo() {
  async function load(): Promise<void> {
    items.value = (await http.get('/api/v1/todo')).items
    loaded.value = true
  }
  return { items, loaded, load, count: computed(() => items.value.length) }
}
