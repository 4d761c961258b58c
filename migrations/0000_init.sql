CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_creator_idx` ON `api_keys` (`creator_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_creator_idx` ON `audit_log` (`creator_id`,`at`);--> statement-breakpoint
CREATE TABLE `buyers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`stripe_customer_id` text,
	`locale` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `buyers_email_unique` ON `buyers` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `buyers_stripe_customer_id_unique` ON `buyers` (`stripe_customer_id`);--> statement-breakpoint
CREATE TABLE `consultation_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'free' NOT NULL,
	`hold_expires_at` integer,
	`order_id` text,
	`buyer_id` text,
	`meeting_details` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `slots_offer_idx` ON `consultation_slots` (`offer_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `creators` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`bio` text DEFAULT '' NOT NULL,
	`default_currency` text DEFAULT 'CNY' NOT NULL,
	`locale` text DEFAULT 'zh-CN' NOT NULL,
	`time_zone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`grace_days` integer DEFAULT 3 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `creators_slug_unique` ON `creators` (`slug`);--> statement-breakpoint
CREATE TABLE `entitlement_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`entitlement_id` text NOT NULL,
	`change` text NOT NULL,
	`cause_type` text NOT NULL,
	`cause_id` text NOT NULL,
	`state_after` text NOT NULL,
	`ends_at_after` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entitlement_id`) REFERENCES `entitlements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `entitlement_changes_entitlement_idx` ON `entitlement_changes` (`entitlement_id`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `entitlement_changes_cause_idx` ON `entitlement_changes` (`entitlement_id`,`cause_id`,`change`);--> statement-breakpoint
CREATE TABLE `entitlements` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`state` text DEFAULT 'active' NOT NULL,
	`grace_ends_at` integer,
	`reminder_sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entitlements_source_idx` ON `entitlements` (`source`,`source_id`,`offer_id`);--> statement-breakpoint
CREATE INDEX `entitlements_buyer_idx` ON `entitlements` (`buyer_id`,`offer_id`);--> statement-breakpoint
CREATE INDEX `entitlements_creator_idx` ON `entitlements` (`creator_id`,`offer_id`,`state`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`offer_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`creator_id` text NOT NULL,
	`status` text DEFAULT 'member' NOT NULL,
	`first_revealed_at` integer NOT NULL,
	`removed_at` integer,
	PRIMARY KEY(`offer_id`, `buyer_id`),
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_members_status_idx` ON `group_members` (`offer_id`,`status`);--> statement-breakpoint
CREATE TABLE `group_reveals` (
	`id` text PRIMARY KEY NOT NULL,
	`offer_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`creator_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_reveals_offer_idx` ON `group_reveals` (`offer_id`,`at`);--> statement-breakpoint
CREATE TABLE `groups` (
	`offer_id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`platform` text NOT NULL,
	`invite_url` text,
	`instructions` text DEFAULT '' NOT NULL,
	`qr_image_url` text,
	`capacity` integer,
	`rotated_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `lesson_progress` (
	`buyer_id` text NOT NULL,
	`lesson_id` text NOT NULL,
	`creator_id` text NOT NULL,
	`completed_at` integer NOT NULL,
	PRIMARY KEY(`buyer_id`, `lesson_id`),
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `lessons` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`free_preview` integer DEFAULT false NOT NULL,
	`drip_days` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lessons_offer_idx` ON `lessons` (`offer_id`,`position`);--> statement-breakpoint
CREATE TABLE `login_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`creator_id` text,
	`next` text,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `login_tokens_token_hash_unique` ON `login_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `login_tokens_email_idx` ON `login_tokens` (`email`,`created_at`);--> statement-breakpoint
CREATE TABLE `mails` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`attachments` text,
	`sent_at` integer,
	`error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mails_dedupe_key_unique` ON `mails` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `offers` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`kind` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`rank` integer,
	`trial_days` integer DEFAULT 0 NOT NULL,
	`duration_minutes` integer,
	`time_zone` text,
	`position` integer DEFAULT 0 NOT NULL,
	`published_at` integer,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offers_creator_slug_idx` ON `offers` (`creator_id`,`slug`);--> statement-breakpoint
CREATE INDEX `offers_creator_status_idx` ON `offers` (`creator_id`,`status`,`position`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`price_id` text NOT NULL,
	`buyer_id` text,
	`email` text,
	`slot_id` text,
	`mode` text NOT NULL,
	`rail` text DEFAULT 'card' NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`term_days` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`checkout_session_id` text,
	`payment_intent_id` text,
	`charge_id` text,
	`stripe_subscription_id` text,
	`refunded_amount` integer DEFAULT 0 NOT NULL,
	`ref_code` text,
	`expires_at` integer,
	`paid_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_checkout_session_id_unique` ON `orders` (`checkout_session_id`);--> statement-breakpoint
CREATE INDEX `orders_creator_idx` ON `orders` (`creator_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_buyer_idx` ON `orders` (`buyer_id`);--> statement-breakpoint
CREATE INDEX `orders_payment_intent_idx` ON `orders` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `orders_charge_idx` ON `orders` (`charge_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`excerpt` text DEFAULT '' NOT NULL,
	`audience` text DEFAULT 'everyone' NOT NULL,
	`min_rank` integer,
	`course_offer_id` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`published_at` integer,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posts_creator_slug_idx` ON `posts` (`creator_id`,`slug`);--> statement-breakpoint
CREATE INDEX `posts_creator_status_idx` ON `posts` (`creator_id`,`status`,`published_at`);--> statement-breakpoint
CREATE TABLE `prices` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`interval` text NOT NULL,
	`term_days` integer,
	`active` integer DEFAULT true NOT NULL,
	`stripe_price_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prices_offer_idx` ON `prices` (`offer_id`,`active`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_start_at` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`key`, `window_start_at`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`buyer_id` text,
	`creator_id` text,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_buyer_idx` ON `sessions` (`buyer_id`);--> statement-breakpoint
CREATE INDEX `sessions_creator_idx` ON `sessions` (`creator_id`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`created_at` integer NOT NULL,
	`object_id` text,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`via` text DEFAULT 'webhook' NOT NULL,
	`error` text,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stripe_events_object_idx` ON `stripe_events` (`object_id`);--> statement-breakpoint
CREATE INDEX `stripe_events_created_idx` ON `stripe_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`price_id` text,
	`stripe_subscription_id` text NOT NULL,
	`status` text NOT NULL,
	`current_period_end_at` integer,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`pending_offer_id` text,
	`stripe_object_at` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_id`) REFERENCES `buyers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_stripe_subscription_id_unique` ON `subscriptions` (`stripe_subscription_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_buyer_idx` ON `subscriptions` (`buyer_id`);--> statement-breakpoint
CREATE TABLE `tier_benefits` (
	`creator_id` text NOT NULL,
	`tier_offer_id` text NOT NULL,
	`included_offer_id` text NOT NULL,
	PRIMARY KEY(`tier_offer_id`, `included_offer_id`),
	FOREIGN KEY (`creator_id`) REFERENCES `creators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tier_offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`included_offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tier_benefits_included_idx` ON `tier_benefits` (`included_offer_id`);