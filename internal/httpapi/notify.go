package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The 待办 list, the notification centre and its settings, the units' group
// robots, and the system admin's view of the background jobs
// (internal/app/todo.go, notify.go, jobs.go).

func notifyRoutes() []*route {
	jobStates := append([]string(nil), domain.JobStates...)
	deliveryStates := []string{"pending", "digest", "sent", "failed"}
	admin := []domain.Permission{domain.PermConfigManage}
	return []*route{
		{method: "GET", path: api + "/todo", opID: "getTodo", tag: "notifications", summary: "What waits for me (待办)",
			desc: "Computed from what waits, never stored: records to approve in the caller's subtree (when it may approve), the " +
				"caller's own returned records with the reason, and the lines other parts add (duties, rectifications). Overdue first, then by deadline.",
			status: 200, resp: "TodoList", handle: (*Server).getTodo},
		{method: "GET", path: api + "/notifications", opID: "listNotifications", tag: "notifications", summary: "My notifications, newest first",
			params: []param{qBool("unread", "Only unread ones."), pLimit, pOffset},
			reach:  reachSelf, status: 200, resp: "NotificationPage", handle: (*Server).listNotifications},
		{method: "GET", path: api + "/notifications/unread-count", opID: "getUnreadCount", tag: "notifications", summary: "How many of my notifications are unread (the header's bell)",
			reach: reachSelf, status: 200, resp: "UnreadCount", handle: (*Server).getUnreadCount},
		{method: "POST", path: api + "/notifications/read", opID: "markNotificationsRead", tag: "notifications", summary: "Mark my notifications read",
			desc:  "The listed `notification_ids`, or every one when the list is empty. Ids of another account's notifications change nothing.",
			reach: reachSelf, body: jsonBody("MarkRead"), status: 200, resp: "MarkReadResult", handle: (*Server).markNotificationsRead},
		{method: "GET", path: api + "/notifications/settings", opID: "getNotifySettings", tag: "notifications", summary: "My delivery settings",
			reach: reachSelf, status: 200, resp: "NotifySettings", handle: (*Server).getNotifySettings},
		{method: "PUT", path: api + "/notifications/settings", opID: "setNotifySettings", tag: "notifications", summary: "Change my delivery settings",
			desc: "An e-mail address, the notice kinds sent by e-mail (empty: all), quiet hours in the bureau's time zone (deliveries wait " +
				"until they end) and a daily digest hour (-1: none) that gathers the day's e-mails into one.",
			reach: reachSelf, body: jsonBody("NotifySettings"), status: 200, resp: "NotifySettings", handle: (*Server).setNotifySettings},
		{method: "GET", path: api + "/robots", opID: "listRobots", tag: "notifications", summary: "The group robots of the units in my subtree",
			desc:  "DingTalk, WeCom and Feishu group robots; webhooks and secrets are stored sealed and never shown.",
			perms: []domain.Permission{domain.PermOrgManage}, status: 200, resp: "RobotList", handle: (*Server).listRobots},
		{method: "POST", path: api + "/robots", opID: "addRobot", tag: "notifications", summary: "Add a group robot to a unit",
			desc:  "The unit's notices of the chosen kinds (empty: all) are posted to the group.",
			perms: []domain.Permission{domain.PermOrgManage}, body: jsonBody("RobotInput"), status: 201, resp: "Robot", errors: []int{404},
			handle: (*Server).addRobot},
		{method: "DELETE", path: api + "/robots/{id}", opID: "deleteRobot", tag: "notifications", summary: "Remove a unit's group robot",
			desc:   "A robot of a unit in the caller's subtree (another unit's is 404); its deliveries still waiting are marked failed.",
			params: []param{pathID("The robot's id.")}, perms: []domain.Permission{domain.PermOrgManage}, status: 204, errors: []int{404},
			handle: (*Server).deleteRobot},
		{method: "GET", path: api + "/admin/jobs", opID: "listJobs", tag: "jobs", summary: "Background jobs, newest first",
			desc: "Queued (available, scheduled), running, retrying and finished jobs with their attempts and errors. " +
				"Empty on a node that runs no job runner.",
			params: []param{qEnum("state", "Only jobs in this state.", jobStates...), pLimit},
			reach:  reachInstallation, perms: admin, status: 200, resp: "JobList", handle: (*Server).listJobs},
		{method: "POST", path: api + "/admin/jobs/{id}/retry", opID: "retryJob", tag: "jobs", summary: "Run a job again now",
			params: []param{pathID("The job's id.")}, reach: reachInstallation, perms: admin, status: 204, errors: []int{404},
			handle: (*Server).retryJob},
		{method: "POST", path: api + "/admin/jobs/{id}/cancel", opID: "cancelJob", tag: "jobs", summary: "Cancel a job that has not finished",
			params: []param{pathID("The job's id.")}, reach: reachInstallation, perms: admin, status: 204, errors: []int{404},
			handle: (*Server).cancelJob},
		{method: "GET", path: api + "/admin/deliveries", opID: "listDeliveries", tag: "jobs", summary: "Outside deliveries (e-mail, robots), newest first",
			desc:   "A failed delivery shows its last error; nothing is retried from here (retry its job).",
			params: []param{qEnum("state", "Only deliveries in this state.", deliveryStates...), pLimit},
			reach:  reachInstallation, perms: admin, status: 200, resp: "DeliveryList", handle: (*Server).listDeliveries},
	}
}

func (s *Server) getTodo(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, err := s.app.Todo(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": items})
}

func (s *Server) listNotifications(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	unread := c.p.bool("unread")
	limit, offset := int(c.p.int("limit")), int(c.p.int("offset"))
	items, total, err := s.app.Inbox(c.ctx(), ac, unread != nil && *unread, limit, offset)
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	return c.reply(map[string]any{"items": items, "total": total, "limit": limit, "offset": offset})
}

func (s *Server) getUnreadCount(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	n, err := s.app.UnreadCount(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(map[string]int{"unread": n})
}

func (s *Server) markNotificationsRead(c *call) error {
	var b struct {
		IDs []int64 `json:"notification_ids"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	n, err := s.app.MarkRead(c.ctx(), ac, b.IDs)
	if err != nil {
		return err
	}
	return c.reply(map[string]int{"marked": n})
}

func (s *Server) getNotifySettings(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	out, err := s.app.NotifySettings(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) setNotifySettings(c *call) error {
	var b app.NotifySettingsInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	out, err := s.app.SetNotifySettings(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) listRobots(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	rs, err := s.app.ListRobots(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": rs})
}

func (s *Server) addRobot(c *call) error {
	var b app.RobotInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.AddRobot(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.created(api+"/robots/"+strconv.FormatInt(r.ID, 10), r)
}

func (s *Server) deleteRobot(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.DeleteRobot(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) listJobs(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	js, err := s.app.ListJobs(c.ctx(), ac, c.p.str("state"), int(c.p.int("limit")))
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": js})
}

func (s *Server) retryJob(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.RetryJob(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) cancelJob(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.CancelJob(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) listDeliveries(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	ds, err := s.app.ListDeliveries(c.ctx(), ac, c.p.str("state"), int(c.p.int("limit")))
	if err != nil {
		return err
	}
	return c.reply(map[string]any{"items": ds})
}

func notifySchemas() obj {
	count := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	hhmm := func(desc string) obj {
		return ex(obj{"type": "string", "pattern": "^$|^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": desc}, "22:00")
	}
	return obj{
		"TodoList": listSchema("What waits for the caller.", "TodoItem"),
		"TodoItem": object("One line of the 待办 list.", obj{
			"kind":     enum("What to do; the web app opens the page that settles it.", string(domain.TodoApprove), string(domain.TodoFixReturned), string(domain.TodoDutyDue), string(domain.TodoRectification), string(domain.TodoCase), string(domain.TodoStory), string(domain.TodoExam)),
			"title":    str("What to do, in Chinese."),
			"count":    count("How many things the line stands for."),
			"due":      date("The earliest deadline among them."),
			"overdue":  boolean("The earliest deadline has passed."),
			"org_id":   id("The unit concerned."),
			"org_name": str(""),
			"ref":      id("The one thing the line stands for (a returned record's id)."),
		}, "kind", "title", "count", "overdue"),
		"NotificationPage": pageSchema("A page of the caller's notifications.", "Notification"),
		"Notification": object("One notice in the caller's inbox.", obj{
			"id":         id(""),
			"kind":       str("e.g. activity.returned, activity.submitted."),
			"subject":    str(""),
			"body":       str(""),
			"link":       str("The web path that opens the thing."),
			"created_at": dateTime(""),
			"read":       boolean(""),
		}, "id", "kind", "subject", "body", "link", "created_at", "read"),
		"UnreadCount":    object("", obj{"unread": count("")}, "unread"),
		"MarkRead":       object("", obj{"notification_ids": ex(array("Empty: all of them.", id("")), []int64{})}),
		"MarkReadResult": object("", obj{"marked": count("How many changed from unread to read.")}, "marked"),
		"NotifySettings": object("How the caller's notices are delivered outside zeren; the inbox always receives them.", obj{
			"email":       ex(strMax("Empty: no e-mail.", 254), "wang@example.edu.cn"),
			"email_kinds": ex(array("Notice kinds sent by e-mail; empty: all.", str("")), []string{}),
			"quiet_from":  hhmm("Start of the quiet hours (HH:MM, the bureau's time); empty with quiet_to: none."),
			"quiet_to":    ex(hhmm("End of the quiet hours."), "07:00"),
			"digest_hour": ex(obj{"type": "integer", "minimum": -1, "maximum": 23, "description": "The hour of the daily digest; -1: every e-mail at once."}, -1),
		}, "email", "email_kinds", "quiet_from", "quiet_to", "digest_hour"),
		"RobotList": listSchema("", "Robot"),
		"Robot": object("A unit's group robot; its webhook and secret are never shown.", obj{
			"id":     id(""),
			"org_id": id(""),
			"kind":   enum("", "dingtalk", "wecom", "feishu"),
			"name":   str(""),
			"kinds":  array("Notice kinds posted; empty: all.", str("")),
		}, "id", "org_id", "kind", "name", "kinds"),
		"RobotInput": object("", obj{
			"org_id":  id("The unit whose group it is."),
			"kind":    ex(enum("", "dingtalk", "wecom", "feishu"), "dingtalk"),
			"name":    ex(strMax("", 100), "学区工作群"),
			"webhook": ex(str("The robot's webhook address."), "https://oapi.dingtalk.com/robot/send?access_token=example"),
			"secret":  ex(str("The signing secret (加签), if the robot has one."), "SECexample"),
			"kinds":   ex(array("", str("")), []string{}),
		}, "org_id", "kind", "name", "webhook"),
		"JobList": listSchema("", "Job"),
		"Job": object("One background job.", obj{
			"id":           id(""),
			"kind":         str("sweep, notice_outbox, notice_deliver."),
			"state":        enum("", domain.JobStates...),
			"attempt":      count(""),
			"max_attempts": count(""),
			"args":         str("The job's arguments, JSON."),
			"errors":       array("The error of each failed attempt, oldest first.", str("")),
			"created_at":   dateTime(""),
			"scheduled_at": dateTime(""),
			"finalized_at": dateTime(""),
		}, "id", "kind", "state", "attempt", "max_attempts", "args", "errors", "created_at", "scheduled_at"),
		"DeliveryList": listSchema("", "Delivery"),
		"Delivery": object("One notice on its way to an e-mail address or a group robot.", obj{
			"id":         id(""),
			"notice_id":  id(""),
			"account_id": id(""),
			"robot_id":   id(""),
			"channel":    enum("", app.ChannelEmail, "dingtalk", "wecom", "feishu"),
			"state":      enum("", "pending", "digest", "sent", "failed"),
			"attempts":   count(""),
			"last_error": str(""),
			"not_before": dateTime("Not sent before (quiet hours)."),
			"subject":    str(""),
		}, "id", "notice_id", "channel", "state", "attempts", "not_before", "subject"),
	}
}
