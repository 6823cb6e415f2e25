// The unread count the header's bell shows, shared with the notification
// centre so that reading there updates the bell at once.
import { ref } from 'vue'
import { api } from '@/api/client'

const unread = ref(0)

export function useUnread() {
  async function refresh(): Promise<void> {
    try {
      unread.value = (await api.get<{ unread: number }>('/api/v1/notifications/unread-count')).unread
    } catch {
      // The bell is a hint: a failed poll keeps the last count.
    }
  }
  return { unread, refresh }
}
