// The phone's 待办 list, shared by the progress page (which lists it) and the
// tab bar (whose progress tab shows how many lines wait).
import { computed, ref } from 'vue'
import { api, type Schemas } from '@/api/client'

type TodoItem = Schemas['TodoItem']

const items = ref<TodoItem[]>([])
const loaded = ref(false)

export function useTodo() {
  async function load(): Promise<void> {
    items.value = (await api.get<{ items: TodoItem[] }>('/api/v1/todo')).items
    loaded.value = true
  }
  return { items, loaded, load, count: computed(() => items.value.length) }
}
