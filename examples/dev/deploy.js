// A slash command with buttons, for the emulator (`npm start`): `/deploy prod` asks in the
// channel for an approval; a click on Approve or Cancel replaces the question with the answer.
// Callbacks are plain functions: (payload, kwargs, context) → { responses, actions }.

/** `/deploy <target>`: the question, with two buttons in block `deploy_approval` (the interactive handler's callback_id). */
export function deploy(payload) {
  const target = payload.text.trim() || 'staging';
  return {
    responses: [
      {
        response_type: 'in_channel',
        text: `Deploy ${target}?`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `<@${payload.user_id}> wants to deploy *${target}*.` } },
          {
            type: 'actions',
            block_id: 'deploy_approval',
            elements: [
              { type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: target },
              { type: 'button', action_id: 'cancel', style: 'danger', text: { type: 'plain_text', text: 'Cancel' }, value: target },
            ],
          },
        ],
      },
    ],
  };
}

/** A click on Approve or Cancel: the question is replaced, through the click's response_url. */
export function decide(payload) {
  const [action] = payload.actions;
  const approved = action.action_id === 'approve';
  const text = approved
    ? `:white_check_mark: <@${payload.user.id}> approved the deploy of *${action.value}*.`
    : `:x: <@${payload.user.id}> cancelled the deploy of *${action.value}*.`;
  return { responses: [{ replace_original: true, text }] };
}
