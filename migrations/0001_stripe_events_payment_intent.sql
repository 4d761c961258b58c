ALTER TABLE `stripe_events` ADD `payment_intent_id` text;--> statement-breakpoint
CREATE INDEX `stripe_events_payment_intent_idx` ON `stripe_events` (`payment_intent_id`);