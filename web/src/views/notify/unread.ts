// The unread count the header's bell shows, shared with the notification
// centre so that reading there updates the bell at once.
import { ref } from 'vue'
import { http } from '@/api/typed'

const unread = ref(0)

export function useUnread() {
  async function refresh(): Promise<void> {
    try {
      unread.value = (await http.get('/api/v1/notifications/unread-count')).unread
    } catch {
      // The bell is a hint: a failed poll keeps the last count.
    }
  }
  return { unread, refresh }
}
