CREATE TABLE `write_guards` (
	`name` text NOT NULL,
	`holds` integer NOT NULL,
	CONSTRAINT "stale_read" CHECK("write_guards"."holds" = 1)
);
--> statement-breakpoint
ALTER TABLE `mails` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mails` ADD `next_attempt_at` integer DEFAULT 0 NOT NULL;