# InputIBA with the reference's VGG16 schedule (methods.md §2).
attributor = dict(
    type='InputIBA',
    feat_iba=dict(beta=20.0, steps=10, lr=1.0, copies=10, sigma=1.0),
    gan=dict(dataset_size=200, subset_size=20, batch_size=32, epochs=20,
             critic_iters=5, critic_lr=5e-5, weight_clip=0.01),
    input_iba=dict(beta=20.0, steps=60, lr=1.0, copies=10, sigma=1.0),
    # 'lambda' (default) or 'capacity' (the reference code): see InputIBA.
    gan_feature_mask='lambda')
seed = 0
