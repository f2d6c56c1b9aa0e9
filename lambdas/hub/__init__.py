"""Organization mode: work messages, member sessions, failure streaks and the dispatcher."""
