import { describe, expect, it } from 'vitest';
import { type EmailInput, escapeHtml, renderEmail } from '../../lambda/src/email.js';

const newUser: EmailInput = {
  reason: 'new-user',
  userName: 'alice@example.com',
  password: "Tq7&R'd%2xH_e=9[Fw]k",
  signInUrl: 'https://acme-prod.signin.aws.amazon.com/console',
  account: 'acme-prod',
};

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('plain text @ 123')).toBe('plain text @ 123');
  });
});

describe('renderEmail', () => {
  it('tells a new user where and how to sign in, in plain text', () => {
    const email = renderEmail(newUser);

    expect(email.subject).toBe('Your AWS sign-in details for acme-prod');
    expect(email.text).toBe(
      [
        'Hello,',
        '',
        'An AWS user has been created for you in the AWS account acme-prod. You can now sign in to the AWS Management Console.',
        '',
        'Sign-in page:        https://acme-prod.signin.aws.amazon.com/console',
        'User name:           alice@example.com',
        'Temporary password:',
        '',
        "    Tq7&R'd%2xH_e=9[Fw]k",
        '',
        'The password is temporary: when you sign in with it, AWS asks you to choose a new password of your own straight away.',
        '',
        'Keep this email to yourself and delete it once you have signed in. Nobody will ever ask you for your password.',
        'If you did not expect this email, tell your AWS administrators.',
        '',
        '-- sent by iam-gitops',
        '',
      ].join('\n'),
    );
  });

  it('says so when the details are a re-send', () => {
    const email = renderEmail({ ...newUser, reason: 'resend' });

    expect(email.subject).toBe('Your new AWS sign-in details for acme-prod');
    expect(email.text).toContain(
      'New sign-in details were requested for your AWS user in the AWS account acme-prod. Your previous password no longer works.',
    );
    expect(email.html).toContain('Your previous password no longer works.');
  });

  it('puts the same details in the HTML part, escaped', () => {
    const { html } = renderEmail(newUser);

    expect(html).toContain(
      '<a href="https://acme-prod.signin.aws.amazon.com/console">https://acme-prod.signin.aws.amazon.com/console</a>',
    );
    expect(html).toContain(
      '<td style="padding:4px 12px 4px 0;vertical-align:top"><code>alice@example.com</code></td>',
    );
    expect(html).toContain('>Tq7&amp;R&#39;d%2xH_e=9[Fw]k</code>');
    expect(html).toContain('<strong>The password is temporary');
    expect(html).not.toContain("R'd");
  });

  it('escapes every user-controlled value in the HTML', () => {
    const hostile: EmailInput = {
      reason: 'new-user',
      userName: '<img src=x onerror=alert(1)>',
      password: `<b>"'&`,
      signInUrl: 'https://x.example/"><script>alert(1)</script>',
      account: '<i>acme</i>',
    };

    const { html, text } = renderEmail(hostile);

    expect(html).not.toMatch(/<(img|script|b|i)[\s>]/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;&quot;&#39;&amp;');
    expect(html).toContain('href="https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('<title>Your AWS sign-in details for &lt;i&gt;acme&lt;/i&gt;</title>');
    // Plain text is not HTML: it carries the values as they are.
    expect(text).toContain('User name:           <img src=x onerror=alert(1)>');
  });
});
