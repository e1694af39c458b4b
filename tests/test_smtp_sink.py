"""The loopback SMTP server the other tests rely on receives what Django sends."""

from django.core.mail import EmailMultiAlternatives


def test_django_mail_reaches_the_loopback_smtp_server(smtp_server):
    message = EmailMultiAlternatives(
        "Hello", "Plain words", "from@example.com", ["reader@example.com"]
    )
    message.attach_alternative("<p>Rich words</p>", "text/html")
    message.send()
    [received] = smtp_server.sink.to("reader@example.com")
    assert received.message["Subject"] == "Hello"
    assert received.text.strip() == "Plain words"
    assert "Rich words" in received.html
