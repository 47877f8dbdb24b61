// A modal, for the emulator (`npm start`): `/feedback` opens it (views.open with the command's
// trigger_id, as an action the worker performs as the bot); its submission is posted in the channel.

/** `/feedback`: a modal with a text input and a menu; the channel rides along in private_metadata. */
export function open(payload) {
  return {
    actions: [
      {
        action: 'views.open',
        kwargs: {
          trigger_id: payload.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'feedback_modal',
            private_metadata: payload.channel_id,
            title: { type: 'plain_text', text: 'Feedback' },
            submit: { type: 'plain_text', text: 'Send' },
            close: { type: 'plain_text', text: 'Cancel' },
            blocks: [
              {
                type: 'input',
                block_id: 'feedback',
                label: { type: 'plain_text', text: 'What do you think?' },
                element: { type: 'plain_text_input', action_id: 'text', multiline: true },
              },
              {
                type: 'input',
                block_id: 'mood',
                label: { type: 'plain_text', text: 'Mood' },
                element: {
                  type: 'static_select',
                  action_id: 'choice',
                  placeholder: { type: 'plain_text', text: 'Pick one' },
                  options: [
                    { text: { type: 'plain_text', text: 'Happy' }, value: 'happy' },
                    { text: { type: 'plain_text', text: 'Meh' }, value: 'meh' },
                  ],
                },
              },
            ],
          },
        },
      },
    ],
  };
}

/** The modal's view_submission: what was typed and chosen, posted to the channel the command came from. */
export function submitted(payload) {
  const { values } = payload.view.state;
  const text = values.feedback.text.value;
  const mood = values.mood.choice.selected_option?.value ?? 'no mood';
  return {
    actions: [
      { action: 'chat.postMessage', kwargs: { channel: payload.view.private_metadata, text: `Feedback from <@${payload.user.id}> (${mood}): ${text}` } },
    ],
  };
}
