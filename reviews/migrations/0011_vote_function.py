from django.db import migrations

# A vote as one call to a function of PostgreSQL's own (reviews.services.vote_cast). Its
# statements are planned once per connection and the plans kept, where the same statements
# sent as one query string were planned again on every vote (most of a vote's time in
# PostgreSQL). It runs in the caller's transaction: on its own, the call is one transaction.
#
# It locks the tool's row first, so votes on one tool are applied one at a time; each later
# statement takes a new snapshot (the function is VOLATILE) and so sees every vote committed
# before the lock was granted. It then inserts, changes or deletes the member's vote and
# moves the tool's counts by the difference; when nothing changes, nothing is written. It
# returns one row when the tool is found (the tool as it now stands, whether its counts
# moved, and the vote), none when it is not: by id (``p_tool``) or, with no id, by slug
# among the published (``p_slug``, ``p_status``, ``p_now``).
#
# The commit does not wait for the disk flush (``synchronous_commit`` off until the end of
# the transaction): reviews.services.vote_cast says what that costs.
VOTE = """
CREATE FUNCTION verdicts_vote(
    p_member bigint, p_tool bigint, p_slug text, p_status text, p_now timestamptz,
    p_after text
) RETURNS TABLE (
    tool tools_tool, moved boolean, vote_id bigint, created_at timestamptz,
    updated_at timestamptz
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    found_id bigint;
    was reviews_vote;  -- the member's vote: as it was, then as it is
    was_value text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    IF p_tool IS NOT NULL THEN
        SELECT t.id INTO found_id FROM tools_tool t WHERE t.id = p_tool FOR UPDATE;
    ELSE
        SELECT t.id INTO found_id FROM tools_tool t
        WHERE t.slug = p_slug AND t.status = p_status AND t.published_at <= p_now
        FOR UPDATE;
    END IF;
    IF found_id IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO was FROM reviews_vote v WHERE v.member_id = p_member AND v.tool_id = found_id;
    was_value := was.value;
    IF was_value IS NOT DISTINCT FROM p_after THEN
        RETURN QUERY SELECT t, false, was.id, was.created_at, was.updated_at
            FROM tools_tool t WHERE t.id = found_id;
        RETURN;
    END IF;
    IF p_after IS NULL THEN
        DELETE FROM reviews_vote v WHERE v.id = was.id;
        was := NULL;
    ELSIF was.id IS NULL THEN
        INSERT INTO reviews_vote (member_id, tool_id, value, created_at, updated_at)
        VALUES (p_member, found_id, p_after, now(), now())
        RETURNING * INTO was;
    ELSE
        UPDATE reviews_vote v SET value = p_after, updated_at = now() WHERE v.id = was.id
        RETURNING * INTO was;
    END IF;
    RETURN QUERY UPDATE tools_tool t SET
        community_ships = t.community_ships + (p_after IS NOT DISTINCT FROM 'ship')::int
            - (was_value IS NOT DISTINCT FROM 'ship')::int,
        community_skips = t.community_skips + (p_after IS NOT DISTINCT FROM 'skip')::int
            - (was_value IS NOT DISTINCT FROM 'skip')::int
        WHERE t.id = found_id
        RETURNING t, true, was.id, was.created_at, was.updated_at;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_verdict_dates"),
        ("tools", "0015_badges"),
    ]

    operations = [
        migrations.RunSQL(
            VOTE,
            reverse_sql="DROP FUNCTION verdicts_vote(bigint, bigint, text, text, timestamptz, text)",
        )
    ]
