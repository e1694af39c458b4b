# Varnish between nginx and gunicorn: readers -> nginx -> varnish -> gunicorn.
#
# nginx stays at the edge (it reads slow clients' requests whole and would end TLS); Varnish
# answers the pages anonymous readers share from memory; gunicorn renders the rest. The site
# says what may be kept (core/httpcache.py): a shared page comes with
# "Cache-Control: public, max-age=0, s-maxage=N" and surrogate keys in "xkey" naming the
# versions it shows (core/pagecache.py); everything else is private and passes through.
# When something changes, the site sends "PURGE" with the keys in "xkey-purge" once the
# change commits, and every page naming one of them is dropped at once (no grace: a purged
# page is never served again).
#
# docker-compose.yml mounts this file as it is; tests/support/varnish.py and `make stack`
# write the backend's address (and, for the tests, the purgers) into a copy.

vcl 4.1;

import header;
import std;
import xkey;

backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;       # gunicorn's own timeout (gunicorn.conf.py) ends first
    .between_bytes_timeout = 10s;
}

# Who may purge: the site's own processes, on loopback or the containers' private network.
# nginx is on that network too, so a purge that came through it (X-Forwarded-For already
# held an address when it got here) is refused as well, and nginx refuses PURGE itself.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No keys to purge (xkey-purge)"));
        }
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # A session (a member, or a reader with bookmarks) or pending messages: the page may
    # hold something of this reader's own, so Django answers it, and nothing is kept.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # No other cookie changes a shared page. csrftoken is one of them: a shared page must
    # never carry one reader's token, so the backend sees none (see vcl_backend_response).
    unset req.http.Cookie;

    # htmx: a fragment ("HX-Request: true") and the full page are kept apart (the site
    # sends Vary: HX-Request). A history restore wants the full page, as Django gives it.
    if (req.http.HX-Request != "true" || req.http.HX-History-Restore-Request) {
        unset req.http.HX-Request;
    }
    unset req.http.HX-History-Restore-Request;

    # The site reads each query parameter once, in any order: one object for every order.
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);  # a pass: handed on as it came
    }
    # Kept only when the site says it is shared; anything else is not kept (and the next
    # request for it goes straight to the backend for two minutes, not queued behind one).
    if (beresp.http.Cache-Control !~ "(?i)(public|s-maxage)" ||
        beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Until pages stop carrying a CSRF token, Django sets a fresh csrftoken on an anonymous
    # page: never one to keep and hand to every reader.
    header.remove(beresp.http.Set-Cookie, "^csrftoken=");
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Past its s-maxage a page may be served for a few seconds more while it is fetched again
    # (never after a purge, which drops it whole), then kept an hour to revalidate with
    # If-None-Match: an unchanged page comes back as a 304, not rendered and sent again.
    set beresp.grace = 10s;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;  # for this cache only
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
