import type { MigrationInterface, QueryRunner } from 'typeorm';

// Accepting a message in one round trip (issue 17). A member's message took six (BEGIN, membership
// and duplicate check, seq and message, read horizon, outbox, COMMIT); on loopback TCP each costs the
// gateway more CPU in its socket write than PostgreSQL spends on the statement. These functions run
// the same statements, in the same order, inside PostgreSQL:
//
// - gateway.write_message: the one write of a message, for members and contacts alike: the
//   conversation's next gapless seq (the UPDATE holds the conversation's row until the transaction
//   ends, so seq order is commit order), the message row, and its messages.created outbox row. The
//   caller builds the outbox row (event id, topic, bucket, type, envelope, trace headers: the
//   contracts and the outbox library stay the one source of both); the function fills in what only
//   the database knows: payload.seq, payload.created_at (the transaction's clock, as JavaScript's
//   toISOString writes it) and the conversation's channel and external contact. A message id that
//   exists already raises unique_violation on PK_messages, which undoes the seq.
// - gateway.accept_member_message: a member's message as one statement (so one implicit
//   transaction): not a member → 'not-member'; the id written before → 'written' with what a retry
//   is compared with; otherwise write_message, then the sender's read horizon moves to its own
//   message, and if that skipped others' messages, the conversations.read row the caller built gets
//   read_seq and previous_read_seq.
// In READ COMMITTED every statement of a plpgsql function takes a fresh snapshot, as separate
// statements from the client did: the membership check and the lock-then-read of the horizon behave
// exactly as before.
export class AcceptMessageFunctions1764041800000 implements MigrationInterface {
  name = 'AcceptMessageFunctions1764041800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION "gateway"."iso_timestamp"(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
         RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    );
    await q.query(
      `CREATE FUNCTION "gateway"."insert_outbox_row"(r jsonb) RETURNS void LANGUAGE sql
       BEGIN ATOMIC
         INSERT INTO gateway.outbox_events (event_id, topic, partition_key, bucket, event_type, envelope, headers)
         VALUES ((r->>'event_id')::uuid, r->>'topic', r->>'partition_key', (r->>'bucket')::smallint, r->>'event_type', r->'envelope', r->'headers');
       END`,
    );
    await q.query(
      `CREATE FUNCTION "gateway"."write_message"(
         p_id uuid, p_conversation uuid, p_sender uuid, p_payload jsonb, p_request_hash text, p_origin text,
         p_provider_channel text, p_provider_message_id text, p_file_id uuid, p_created jsonb,
         OUT seq bigint, OUT channel text, OUT external_contact text, OUT created_at timestamptz)
       LANGUAGE plpgsql AS $fn$
       DECLARE
         v_now timestamptz := now();
       BEGIN
         created_at := v_now;
         UPDATE gateway.conversations c SET last_seq = c.last_seq + 1, last_activity_at = v_now WHERE c.id = p_conversation
           RETURNING c.last_seq, c.channel, c.external_contact INTO seq, channel, external_contact;
         IF NOT FOUND THEN
           RAISE EXCEPTION 'conversation % does not exist', p_conversation USING ERRCODE = 'no_data_found';
         END IF;
         INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at, origin, provider_channel, provider_message_id, file_id)
         VALUES (p_id, p_conversation, seq, p_sender, p_payload, p_request_hash, v_now, p_origin, p_provider_channel, p_provider_message_id, p_file_id);
         PERFORM gateway.insert_outbox_row(jsonb_set(p_created, '{envelope,payload}', (p_created #> '{envelope,payload}') || jsonb_build_object(
           'seq', seq, 'created_at', gateway.iso_timestamp(v_now), 'channel', channel, 'external_contact', external_contact)));
       END
       $fn$`,
    );
    await q.query(
      `CREATE FUNCTION "gateway"."accept_member_message"(
         p_id uuid, p_conversation uuid, p_sender uuid, p_payload jsonb, p_request_hash text, p_file_id uuid, p_created jsonb, p_read jsonb,
         OUT outcome text, OUT seq bigint, OUT request_hash text, OUT sender_id uuid)
       LANGUAGE plpgsql AS $fn$
       DECLARE
         v_at timestamptz;
         v_previous bigint;
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM gateway.conversation_members cm WHERE cm.conversation_id = p_conversation AND cm.user_id = p_sender) THEN
           outcome := 'not-member';
           RETURN;
         END IF;
         SELECT m.seq, m.request_hash, m.sender_id INTO seq, request_hash, sender_id FROM gateway.messages m WHERE m.id = p_id;
         IF FOUND THEN
           outcome := 'written';
           RETURN;
         END IF;
         SELECT w.seq, w.created_at INTO seq, v_at
           FROM gateway.write_message(p_id, p_conversation, p_sender, p_payload, p_request_hash, 'member', NULL, NULL, p_file_id, p_created) w;
         SELECT cm.read_seq INTO v_previous FROM gateway.conversation_members cm
          WHERE cm.conversation_id = p_conversation AND cm.user_id = p_sender FOR UPDATE;
         UPDATE gateway.conversation_members cm SET read_seq = seq, delivered_seq = GREATEST(cm.delivered_seq, seq)
          WHERE cm.conversation_id = p_conversation AND cm.user_id = p_sender AND cm.read_seq < seq;
         IF v_previous < seq - 1 THEN
           PERFORM gateway.insert_outbox_row(jsonb_set(p_read, '{envelope,payload}', (p_read #> '{envelope,payload}') || jsonb_build_object(
             'read_seq', seq, 'previous_read_seq', v_previous, 'at', gateway.iso_timestamp(v_at))));
         END IF;
         outcome := 'accepted';
       END
       $fn$`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "gateway"."accept_member_message"(uuid, uuid, uuid, jsonb, text, uuid, jsonb, jsonb)`);
    await q.query(`DROP FUNCTION "gateway"."write_message"(uuid, uuid, uuid, jsonb, text, text, text, text, uuid, jsonb)`);
    await q.query(`DROP FUNCTION "gateway"."insert_outbox_row"(jsonb)`);
    await q.query(`DROP FUNCTION "gateway"."iso_timestamp"(timestamptz)`);
  }
}
