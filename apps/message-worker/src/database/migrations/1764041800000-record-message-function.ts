import type { MigrationInterface, QueryRunner } from 'typeorm';

// messages.created in one round trip (issue 17). The effect took seven (BEGIN, inbox claim,
// conversation lock, the other members' horizons, delivery row, history rows, COMMIT), one partition's
// records one after another: on loopback TCP the round trips, not the statements, were the worker's
// cost and the tail of message → screen. message_worker.record_message runs the same statements, in
// the same order, inside PostgreSQL:
// - the inbox claim for (consumer group, event id): already there → 'duplicate', nothing else runs;
// - the conversation's advisory lock (p_lock_key: the key DeliveryRepository.lockConversation takes, so a
//   conversations.read or .delivered of the conversation, applied at once on another topic's
//   consumer, is serialised with it);
// - whether another member already received / read up to the message's seq (member_horizons, read
//   after the lock: in READ COMMITTED each statement of a plpgsql function takes a fresh snapshot);
// - the delivery row at the last status and one history row per status. Which statuses a message
//   goes through stays decided in TypeScript (statusesOnArrival): the caller passes the three
//   possible lists ({"none", "delivered", "read"}) and the function picks one.
// Called on its own it is its own transaction; inside the caller's (an external-channel message,
// routed to its connector before the commit) it joins that one.
export class RecordMessageFunction1764041800000 implements MigrationInterface {
  name = 'RecordMessageFunction1764041800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION "message_worker"."record_message"(
         p_consumer_group text, p_event_id uuid, p_message_id uuid, p_conversation uuid, p_seq bigint, p_sender uuid,
         p_channel text, p_accepted_at timestamptz, p_statuses jsonb, p_lock_key text,
         OUT outcome text, OUT statuses text[])
       LANGUAGE plpgsql AS $fn$
       DECLARE
         v_delivered boolean;
         v_read boolean;
       BEGIN
         INSERT INTO message_worker.processed_events (consumer_group, event_id) VALUES (p_consumer_group, p_event_id) ON CONFLICT DO NOTHING;
         IF NOT FOUND THEN
           outcome := 'duplicate';
           RETURN;
         END IF;
         PERFORM pg_advisory_xact_lock(hashtextextended(p_lock_key, 42));
         SELECT bool_or(h.delivered_seq >= p_seq), bool_or(h.read_seq >= p_seq) INTO v_delivered, v_read
           FROM message_worker.member_horizons h WHERE h.conversation_id = p_conversation AND h.user_id <> p_sender;
         statuses := ARRAY(SELECT jsonb_array_elements_text(p_statuses -> CASE WHEN v_read THEN 'read' WHEN v_delivered THEN 'delivered' ELSE 'none' END));
         INSERT INTO message_worker.deliveries (message_id, conversation_id, seq, sender_id, channel, status, accepted_at)
         VALUES (p_message_id, p_conversation, p_seq, p_sender, p_channel, statuses[cardinality(statuses)], p_accepted_at);
         INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at)
         SELECT p_message_id, s, CASE WHEN s = 'ACCEPTED' THEN p_accepted_at ELSE now() END FROM unnest(statuses) s;
         outcome := 'processed';
       END
       $fn$`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "message_worker"."record_message"(text, uuid, uuid, uuid, bigint, uuid, text, timestamptz, jsonb, text)`);
  }
}
