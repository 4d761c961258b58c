CREATE INDEX `audit_log_creator_id_idx` ON `audit_log` (`creator_id`,`id`);--> statement-breakpoint
CREATE INDEX `stripe_events_type_created_idx` ON `stripe_events` (`type`,`created_at`);